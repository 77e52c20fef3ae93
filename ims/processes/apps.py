from django.apps import AppConfig


class ProcessesConfig(AppConfig):
    name = "ims.processes"
    label = "processes"
    verbose_name = "Processes of the management system (4.4)"
