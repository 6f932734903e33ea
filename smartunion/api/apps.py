from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "smartunion.api"
    label = "api"
