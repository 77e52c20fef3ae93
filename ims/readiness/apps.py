from django.apps import AppConfig


class ReadinessConfig(AppConfig):
    name = "ims.readiness"
    label = "readiness"
    verbose_name = "Readiness"

    def ready(self) -> None:
        # Registers its checks; each later register adds its own module the same way.
        from ims.readiness import builtin  # noqa: F401
