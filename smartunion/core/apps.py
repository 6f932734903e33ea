from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "smartunion.core"
    label = "core"
    verbose_name = "Core"
