"""ERP spreadsheets out (export batches in generic, Odoo, ERPNext and own layouts) and back in."""
