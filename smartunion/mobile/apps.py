from django.apps import AppConfig


class MobileConfig(AppConfig):
    name = "smartunion.mobile"
    label = "mobile"
