from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "smartunion.cases"
    label = "cases"
    verbose_name = "Legal aid and mediation cases"
