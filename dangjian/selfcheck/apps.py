from django.apps import AppConfig


class SelfcheckConfig(AppConfig):
    name = "dangjian.selfcheck"
    verbose_name = "自查体检"

    def ready(self) -> None:
        from dangjian.selfcheck import jobs, registrations, textindex  # noqa: F401  (jobs: the run's job kind)

        textindex.connect_saves()
