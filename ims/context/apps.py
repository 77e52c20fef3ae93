from django.apps import AppConfig


class ContextConfig(AppConfig):
    name = "ims.context"
    label = "context"
    verbose_name = "Context of the organisation"

    def ready(self) -> None:
        from ims.context import checks  # noqa: F401  (registers the 4.1 and 4.2 readiness checks)
