from django.apps import AppConfig


class ResponsibilitiesConfig(AppConfig):
    name = "ims.responsibilities"
    label = "responsibilities"
    verbose_name = "Roles, responsibilities and authorities (5.3)"

    def ready(self) -> None:
        from ims.readiness.evidence import by_visible_id, register_type
        from ims.responsibilities import checks  # noqa: F401  (registers the 5.3 readiness check)
        from ims.responsibilities.selectors import responsibilities_visible_to

        register_type(
            "responsibilities.responsibility",
            "Role",
            by_visible_id(responsibilities_visible_to),
            "responsibilities:detail",
        )
