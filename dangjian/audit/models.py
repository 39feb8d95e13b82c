"""Audit trail (security.md): append-only, hash-chained, written in the same transaction as the change."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from dangjian.core.scope import Scope, ScopedQuerySet
from dangjian.accounts.roles import Domain


class EventType(models.TextChoices):
    CREATE = "create", "新增"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGOUT = "logout", "退出"
    EXPORT = "export", "导出"
    IMPORT = "import", "导入"
    VIEW_PII = "view_pii", "查看完整个人信息"
    PERMISSION = "permission", "权限变更"


class AuditEvent(models.Model):
    time = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT
    )
    actor_name = models.CharField("操作人账号", max_length=150, blank=True)
    source_ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    event_type = models.CharField("事件类型", max_length=20, choices=EventType.choices)
    object_type = models.CharField("对象类型", max_length=60, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="党组织", null=True, blank=True, on_delete=models.PROTECT
    )
    org_path = models.CharField(max_length=255, blank=True, db_index=True)
    success = models.BooleanField("是否成功", default=True)
    data = models.JSONField("内容", default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, unique=True)

    scope = Scope(path="org_path", domain=Domain.AUDIT)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.actor_name} {self.get_event_type_display()} {self.object_repr}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk:
            raise PermissionError("审计记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("审计记录不能删除")
