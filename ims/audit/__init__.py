"""Audit trail: append-only, hash-chained log of every change and sign-in."""
