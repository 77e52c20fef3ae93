from django.apps import AppConfig


class SignaturesConfig(AppConfig):
    name = "ims.signatures"
    label = "signatures"
    verbose_name = "Electronic signatures"
