"""Compliance obligations (14001 6.1.3), their evaluation (14001 9.1.2) and permits."""
