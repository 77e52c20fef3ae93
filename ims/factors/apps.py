from django.apps import AppConfig


class FactorsConfig(AppConfig):
    name = "ims.factors"
    label = "factors"
    verbose_name = "Emission factors"
