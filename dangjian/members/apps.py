from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "dangjian.members"
    verbose_name = "党员"

    def ready(self) -> None:
        from dangjian.members import jobs, registrations  # noqa: F401  (jobs: the import's job kind)
