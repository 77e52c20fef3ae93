from django.apps import AppConfig


class AspectsConfig(AppConfig):
    name = "ims.aspects"
    label = "aspects"
    verbose_name = "Environmental aspects"

    def ready(self) -> None:
        from ims.aspects import checks  # noqa: F401  (registers the 6.1.2 readiness check)
        from ims.aspects.selectors import aspects_visible_to
        from ims.readiness.evidence import by_visible_id, register_type

        register_type("aspects.aspect", "Environmental aspect", by_visible_id(aspects_visible_to), "aspects:detail")
