"""Environmental aspects and impacts, with significance evaluation (ISO 14001 6.1.2)."""
