from django.apps import AppConfig


class ObligationsConfig(AppConfig):
    name = "ims.obligations"
    label = "obligations"
    verbose_name = "Compliance obligations"

    def ready(self) -> None:
        from ims.obligations import checks  # noqa: F401  (registers the 9.1.2 readiness check)
        from ims.obligations.selectors import obligations_visible_to
        from ims.readiness.evidence import by_visible_id, register_type

        register_type(
            "obligations.obligation",
            "Compliance obligation",
            by_visible_id(obligations_visible_to),
            "obligations:detail",
        )
