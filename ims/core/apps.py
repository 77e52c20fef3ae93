from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ims.core"
    label = "core"
