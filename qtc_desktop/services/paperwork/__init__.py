"""Packing paperwork: packing slips and pick lists as PDF (reportlab), many in one file."""
