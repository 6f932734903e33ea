from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "smartunion.accounts"
    label = "accounts"
    verbose_name = "Accounts"
