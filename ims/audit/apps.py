from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ims.audit"
    label = "audit"
    verbose_name = "Audit trail"
