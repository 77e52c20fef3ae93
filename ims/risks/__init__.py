"""Risks and opportunities (6.1)."""
