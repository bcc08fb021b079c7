"""Importing accepted quotes from spreadsheet and CSV files."""
