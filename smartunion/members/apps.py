from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "smartunion.members"
    label = "members"
    verbose_name = "Members"

    def ready(self):
        # The hooks' modules import models, which import only once the app registry is ready.
        from smartunion.members.deadlines import register_calendar_hook  # noqa: PLC0415 (app registry)
        from smartunion.members.services import register_org_delete_blocker  # noqa: PLC0415 (app registry)

        register_org_delete_blocker()
        register_calendar_hook()
