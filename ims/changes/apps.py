from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "ims.changes"
    label = "changes"
    verbose_name = "Planning of changes (6.3)"

    def ready(self) -> None:
        from ims.changes import checks  # noqa: F401  (registers the 6.3 readiness check)
        from ims.changes.selectors import changes_visible_to
        from ims.readiness.evidence import by_visible_id, register_type

        register_type("changes.plannedchange", "Planned change", by_visible_id(changes_visible_to), "changes:detail")
