from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "dangjian.reports"
    verbose_name = "统计与报告"

    def ready(self) -> None:
        from dangjian.reports import registrations  # noqa: F401
