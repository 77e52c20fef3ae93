from django.apps import AppConfig


class GhgConfig(AppConfig):
    name = "ims.ghg"
    label = "ghg"
    verbose_name = "GHG inventory and environmental performance (14001 9.1.1)"

    def ready(self) -> None:
        from ims.ghg.activity import refresh_changed
        from ims.monitoring.hooks import on_readings_changed

        on_readings_changed(refresh_changed)
