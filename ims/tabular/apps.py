from django.apps import AppConfig


class TabularConfig(AppConfig):
    name = "ims.tabular"
    label = "tabular"
    verbose_name = "Import and export"
