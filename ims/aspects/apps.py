from django.apps import AppConfig


class AspectsConfig(AppConfig):
    name = "ims.aspects"
    label = "aspects"
    verbose_name = "Environmental aspects"

    def ready(self) -> None:
        from ims.aspects import checks  # noqa: F401  (registers the 6.1.2 readiness check)
