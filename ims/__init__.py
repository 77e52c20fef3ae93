"""IMS: one integrated management system for ISO 9001 and ISO 14001."""

__version__ = "0.1.0"
