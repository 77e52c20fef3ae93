from django.apps import AppConfig


class ObjectivesConfig(AppConfig):
    name = "ims.objectives"
    label = "objectives"
    verbose_name = "Objectives and plans to achieve them (6.2)"

    def ready(self) -> None:
        from ims.objectives import checks  # noqa: F401  (registers the 6.2 readiness check)
        from ims.objectives.selectors import objectives_visible_to
        from ims.readiness.evidence import by_visible_id, register_type

        register_type("objectives.objective", "Objective", by_visible_id(objectives_visible_to), "objectives:detail")
