from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "smartunion.cases"
    label = "cases"
    verbose_name = "Legal aid and mediation cases"

    def ready(self):
        # The worker's "who opened my record" (members) lists staff opening their cases too; members
        # sits below cases and offers the hook. Selectors import models: only once the registry is ready.
        from smartunion.cases.selectors import case_access_q  # noqa: PLC0415 (app registry)
        from smartunion.members.selectors.records import ACCESS_HISTORY_EXTRA  # noqa: PLC0415 (app registry)

        if case_access_q not in ACCESS_HISTORY_EXTRA:
            ACCESS_HISTORY_EXTRA.append(case_access_q)
        # seed_demo lives in members too: it runs the cases' step through its hook list.
        from smartunion.cases.demo import register_demo_step  # noqa: PLC0415 (app registry)

        register_demo_step()
