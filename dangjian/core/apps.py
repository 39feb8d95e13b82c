from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "dangjian.core"
    verbose_name = "平台"

    def ready(self) -> None:
        from dangjian.core.planner import after_migrate

        # once per migrate (sender: this app), after every app's tables exist
        post_migrate.connect(after_migrate, sender=self, dispatch_uid="dangjian.core.planner")
