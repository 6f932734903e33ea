from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "smartunion.members"
    label = "members"
    verbose_name = "Members"

    def ready(self):
        from smartunion.members.deadlines import register_calendar_hook
        from smartunion.members.services import register_org_delete_blocker

        register_org_delete_blocker()
        register_calendar_hook()
