"""The organisation, its sites and the scope of its management system (4.3)."""
