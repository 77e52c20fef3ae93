"""Processes of the management system (4.4)."""
