from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "ims.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring and measurement (9.1)"

    def ready(self) -> None:
        from ims.monitoring import checks  # noqa: F401  (registers the 9.1.1 readiness check)
        from ims.monitoring.selectors import series_visible_to
        from ims.readiness.evidence import by_visible_id, register_type

        register_type(
            "monitoring.series", "Monitoring series", by_visible_id(series_visible_to), "monitoring:series_detail"
        )
