from django.apps import AppConfig


class ObligationsConfig(AppConfig):
    name = "ims.obligations"
    label = "obligations"
    verbose_name = "Compliance obligations"

    def ready(self) -> None:
        from ims.obligations import checks  # noqa: F401  (registers the 9.1.2 readiness check)
