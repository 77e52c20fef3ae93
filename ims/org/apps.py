from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "ims.org"
    label = "org"
    verbose_name = "Organisation"
