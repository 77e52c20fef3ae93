"""Context of the organisation: internal and external issues (4.1) and interested parties (4.2)."""
