from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "smartunion.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Registers the key self-test. It reads models, which import only once the registry is ready.
        from smartunion.core import checks  # noqa: F401, PLC0415 (models need the ready app registry)
