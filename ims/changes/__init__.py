"""Planning of changes (6.3)."""
