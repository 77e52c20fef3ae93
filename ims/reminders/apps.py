from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "ims.reminders"
    label = "reminders"
    verbose_name = "Reminders"
