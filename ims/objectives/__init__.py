"""Objectives and plans to achieve them (6.2)."""
