from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "ims.improvement"
    label = "improvement"
    verbose_name = "Improvement: nonconformities, incidents and corrective actions (10)"

    def ready(self) -> None:
        from ims.improvement import (
            checks,  # noqa: F401  (registers the 10.2 and 8.7 readiness checks)
            reminders,  # noqa: F401  (registers the overdue steps, actions and checks as reminders)
        )
        from ims.improvement.selectors import events_visible_to
        from ims.readiness.evidence import by_visible_id, register_type

        register_type("improvement.event", "Event", by_visible_id(events_visible_to), "improvement:detail")
