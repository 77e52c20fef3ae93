from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "ims.documents"
    label = "documents"
    verbose_name = "Documented information (7.5)"

    def ready(self) -> None:
        from ims.documents import (
            checks,  # noqa: F401  (registers the 7.5 readiness check)
            reminders,  # noqa: F401  (registers the document reminders)
        )
        from ims.documents.selectors import documents_visible_to, revisions_visible_to
        from ims.readiness.evidence import by_visible_id, register_type

        register_type("documents.document", "Document", by_visible_id(documents_visible_to), "documents:detail")
        register_type(
            "documents.revision", "Document revision", by_visible_id(revisions_visible_to), "documents:revision"
        )
