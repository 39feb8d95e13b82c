from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "dangjian.audit"
    verbose_name = "审计日志"
