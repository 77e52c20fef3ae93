from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "ims.api"
    label = "api"
