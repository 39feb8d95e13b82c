from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "dangjian.services"
    label = "resident_services"
    verbose_name = "服务群众"

    def ready(self) -> None:
        from dangjian.services import registrations  # noqa: F401
