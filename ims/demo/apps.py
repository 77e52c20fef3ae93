from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "ims.demo"
    label = "demo"
