from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "smartunion.orgs"
    label = "orgs"
    verbose_name = "Organisations"
