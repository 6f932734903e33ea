from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "smartunion.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from smartunion.core import checks  # noqa: F401 - registers the key self-test
