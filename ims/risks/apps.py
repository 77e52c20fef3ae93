from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "ims.risks"
    label = "risks"
    verbose_name = "Risks and opportunities (6.1)"
