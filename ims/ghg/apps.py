from django.apps import AppConfig


class GhgConfig(AppConfig):
    name = "ims.ghg"
    label = "ghg"
    verbose_name = "GHG inventory and environmental performance (14001 9.1.1)"

    def ready(self) -> None:
        from ims.ghg.activity import refresh_changed
        from ims.ghg.services import series_rules
        from ims.monitoring.hooks import on_readings_changed, on_series_rules

        on_readings_changed(refresh_changed)
        on_series_rules(series_rules)
