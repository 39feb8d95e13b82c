from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "dangjian.orgs"
    verbose_name = "党组织"

    def ready(self) -> None:
        from dangjian.orgs import registrations  # noqa: F401
