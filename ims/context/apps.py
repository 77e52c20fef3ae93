from django.apps import AppConfig


class ContextConfig(AppConfig):
    name = "ims.context"
    label = "context"
    verbose_name = "Context of the organisation"

    def ready(self) -> None:
        from ims.context import checks  # noqa: F401  (registers the 4.1 and 4.2 readiness checks)
        from ims.context.selectors import issues_visible_to, parties_visible_to
        from ims.readiness.evidence import by_visible_id, register_type

        register_type(
            "context.issue", "Internal or external issue", by_visible_id(issues_visible_to), "context:issue_detail"
        )
        register_type(
            "context.interestedparty", "Interested party", by_visible_id(parties_visible_to), "context:party_detail"
        )
