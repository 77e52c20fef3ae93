from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "ims.standards"
    label = "standards"
    verbose_name = "Standards library"
