from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ims.accounts"
    label = "accounts"
    verbose_name = "Accounts"
