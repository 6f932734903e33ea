from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "smartunion.benefits"
    label = "benefits"
    verbose_name = "Member benefits"

    def ready(self):
        # seed_demo lives in members, below benefits: it runs the benefits' step through its hook list.
        from smartunion.benefits.demo import register_demo_step  # noqa: PLC0415 (app registry)

        register_demo_step()
