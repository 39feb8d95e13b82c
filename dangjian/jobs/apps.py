from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "dangjian.jobs"
    verbose_name = "后台任务"

    def ready(self) -> None:
        from dangjian.jobs import selfcheck  # noqa: F401  (registers the split self-check of communities)
