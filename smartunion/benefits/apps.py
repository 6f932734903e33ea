from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "smartunion.benefits"
    label = "benefits"
    verbose_name = "Member benefits"
