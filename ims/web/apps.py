from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "ims.web"
    label = "web"
