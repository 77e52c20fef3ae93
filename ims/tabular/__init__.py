"""Spreadsheet import and export shared by every register.

Reading real-world files (CSV with or without BOM, comma or semicolon
separated, decimal commas, XLSX with Excel dates), turning cells into typed
values with errors that name the row and column, and writing CSV/XLSX exports
that spreadsheet programs cannot mistake for formulas.
"""
