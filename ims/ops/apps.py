from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "ims.ops"
    label = "ops"
    verbose_name = "Operations"
