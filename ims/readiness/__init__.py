"""Readiness: automatic evidence checks per clause, computed from live records."""
