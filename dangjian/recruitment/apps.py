from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "dangjian.recruitment"
    verbose_name = "发展党员"

    def ready(self) -> None:
        from dangjian.recruitment import registrations  # noqa: F401
