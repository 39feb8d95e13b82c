from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "dangjian.elections"
    verbose_name = "换届选举"

    def ready(self) -> None:
        from dangjian.elections import registrations  # noqa: F401
