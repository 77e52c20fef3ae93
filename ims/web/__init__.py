"""The web shell: layout, navigation by Harmonized Structure, dashboard, error pages."""
