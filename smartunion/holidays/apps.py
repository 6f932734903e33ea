from django.apps import AppConfig


class HolidaysConfig(AppConfig):
    name = "smartunion.holidays"
    label = "holidays"
    verbose_name = "Holiday calendar"
