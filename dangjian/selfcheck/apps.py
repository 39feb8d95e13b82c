from django.apps import AppConfig


class SelfcheckConfig(AppConfig):
    name = "dangjian.selfcheck"
    verbose_name = "自查体检"

    def ready(self) -> None:
        from dangjian.selfcheck import registrations, textindex  # noqa: F401

        textindex.connect_saves()
