from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "smartunion.cases"
    label = "cases"
    verbose_name = "Legal aid and mediation cases"

    def ready(self) -> None:
        # seed_demo lives in members, below cases: it runs the cases' step through its hook list
        # (members must not import cases; docs/architecture.md, "Layers").
        from smartunion.cases.demo import register_demo_step  # noqa: PLC0415 (app registry)

        register_demo_step()
