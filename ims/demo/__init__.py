"""The demo organisation: a realistic fictional manufacturer to explore IMS with."""
