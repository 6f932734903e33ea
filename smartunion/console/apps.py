from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "smartunion.console"
    label = "console"
