from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "ims.policies"
    label = "policies"
    verbose_name = "Policies (5.2)"

    def ready(self) -> None:
        from ims.policies import checks  # noqa: F401  (registers the 5.2 readiness check)
        from ims.policies.selectors import policies_visible_to, revisions_visible_to
        from ims.readiness.evidence import by_visible_id, register_type

        register_type("policies.policy", "Policy", by_visible_id(policies_visible_to), "policies:detail")
        register_type(
            "policies.policyrevision", "Policy revision", by_visible_id(revisions_visible_to), "policies:revision"
        )
