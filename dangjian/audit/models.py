"""Audit trail (security.md): append-only, hash-chained, written in the same transaction as the change.

The database refuses UPDATE and DELETE on both tables (triggers: dangjian/audit/guards.py). The only
removal is the retention purge: it first appends an `AuditCheckpoint` naming the last row it removes
and that row's hash; the DELETE trigger lets a row go only when a checkpoint covers it, and
`audit_verify()` starts the chain from the newest checkpoint."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from dangjian.accounts.roles import Domain
from dangjian.core.scope import Scope, ScopedQuerySet


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
    SECURITY = "security", "安全设置"  # password changes, two-factor devices, unlocking a lockout
    PURGE = "purge", "清理过期审计记录"


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


class AuditCheckpoint(models.Model):
    """Where the chain starts after a retention purge: every row up to `last_event_id` was removed,
    the first remaining row links to `last_event_hash`. Append-only like the events."""

    created_at = models.DateTimeField("清理时间", default=timezone.now)
    purged_before = models.DateField("清理此日期之前的记录")
    last_event_id = models.BigIntegerField("最后清理的记录编号", unique=True)
    last_event_hash = models.CharField("最后清理的记录哈希", max_length=64)
    purged_count = models.PositiveIntegerField("清理条数")
    actor_name = models.CharField("执行人", max_length=150, blank=True)

    class Meta:
        verbose_name = "审计链检查点"
        verbose_name_plural = "审计链检查点"
        ordering = ["-last_event_id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d} 清理至#{self.last_event_id}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk:
            raise PermissionError("审计链检查点只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("审计链检查点不能删除")
