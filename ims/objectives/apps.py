from django.apps import AppConfig


class ObjectivesConfig(AppConfig):
    name = "ims.objectives"
    label = "objectives"
    verbose_name = "Objectives and plans to achieve them (6.2)"

    def ready(self) -> None:
        from ims.objectives import checks  # noqa: F401  (registers the 6.2 readiness check)
