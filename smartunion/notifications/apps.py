from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "smartunion.notifications"
    label = "notifications"
    verbose_name = "Notifications"
