from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "ims.changes"
    label = "changes"
    verbose_name = "Planning of changes (6.3)"
