"""Readiness checks for 4.1 and 4.2 (to be computed from the registers)."""
