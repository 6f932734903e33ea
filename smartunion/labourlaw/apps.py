from django.apps import AppConfig


class LabourLawConfig(AppConfig):
    name = "smartunion.labourlaw"
    label = "labourlaw"
    verbose_name = "Labour-law rules: the statutory calculator, regional figures and deadlines"
