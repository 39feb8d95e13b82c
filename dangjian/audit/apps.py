from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "dangjian.audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from dangjian.audit import guards, registrations  # noqa: F401

        post_migrate.connect(guards.install_after_migrate, sender=self, dispatch_uid="dangjian.audit.guards")
