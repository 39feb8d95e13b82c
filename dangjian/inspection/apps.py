from django.apps import AppConfig


class InspectionConfig(AppConfig):
    name = "dangjian.inspection"
    verbose_name = "巡察整改"

    def ready(self) -> None:
        from dangjian.inspection import registrations  # noqa: F401
