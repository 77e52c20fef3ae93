from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "ims.risks"
    label = "risks"
    verbose_name = "Risks and opportunities (6.1)"

    def ready(self) -> None:
        from ims.readiness.evidence import by_visible_id, register_type
        from ims.risks import checks  # noqa: F401  (registers the 6.1 readiness check)
        from ims.risks.selectors import risks_visible_to

        register_type("risks.risk", "Risk or opportunity", by_visible_id(risks_visible_to), "risks:detail")
