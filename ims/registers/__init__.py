"""What the registers of the management system have in common: the list, export, create, edit and archive pages."""
