from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "ims.feedback"
    label = "feedback"
    verbose_name = "Customer feedback: complaints, satisfaction surveys, compliments (ISO 9001 9.1.2)"

    def ready(self) -> None:
        from ims.feedback import (
            checks,  # noqa: F401  (registers the 9001 9.1.2 readiness check)
            reminders,  # noqa: F401  (registers the complaint responses due as reminders)
        )
        from ims.feedback.selectors import complaints_visible_to, customers_visible_to, surveys_visible_to
        from ims.readiness.evidence import by_visible_id, register_type

        register_type("feedback.complaint", "Complaint", by_visible_id(complaints_visible_to), "feedback:complaint")
        register_type("feedback.survey", "Satisfaction survey", by_visible_id(surveys_visible_to), "feedback:survey")
        register_type("feedback.customer", "Customer", by_visible_id(customers_visible_to), "feedback:customer")
