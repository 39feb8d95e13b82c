from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils import timezone

from dangjian.accounts.roles import ADMIN_ROLES, PII_ROLES, Domain, Role, allows
from dangjian.core.scope import Scope, ScopedQuerySet


class UserQuerySet(ScopedQuerySet):
    pass


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    use_in_migrations = True


class User(AbstractUser):
    """An account: one role, bound to one organization whose subtree it sees.

    A new account has no role (""): the system administrator creates it, the security administrator
    grants its role (三员分立, dangjian.accounts.services.role_grant)."""

    role = models.CharField("角色", max_length=32, choices=Role.choices, blank=True)
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="所属党组织", on_delete=models.PROTECT, related_name="accounts"
    )
    member = models.OneToOneField(
        "members.Member",
        verbose_name="对应党员",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account",
        help_text="党员本人账号对应的党员档案",
    )
    display_name = models.CharField("姓名", max_length=50, blank=True)
    must_change_password = models.BooleanField("首次登录须修改密码", default=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    scope = Scope(path="organization__path", domain=Domain.ACCOUNTS)
    objects = UserManager()

    class Meta:
        verbose_name = "账号"
        verbose_name_plural = "账号"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role=Role.MEMBER) | models.Q(member__isnull=False),
                name="member_account_has_member",
            ),
            models.CheckConstraint(condition=models.Q(is_superuser=False), name="no_superuser_accounts"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else "未授权"

    def can(self, domain: Domain | str, action: str = "read") -> bool:
        return bool(self.is_active and allows(self.role, domain, action))

    @property
    def may_reveal_pii(self) -> bool:
        return self.role in PII_ROLES

    @property
    def is_admin_role(self) -> bool:
        return self.role in ADMIN_ROLES

    @property
    def password_expires_at(self) -> dt.datetime | None:
        days = settings.PASSWORD_MAX_AGE_DAYS
        if not days or self.password_changed_at is None:
            return None
        return self.password_changed_at + dt.timedelta(days=days)

    @property
    def password_expired(self) -> bool:
        """True when the password must be changed before anything else: first login, or too old."""
        if self.must_change_password or self.password_changed_at is None:
            return True
        expires = self.password_expires_at
        return expires is not None and expires <= timezone.now()


class PasswordHistory(models.Model):
    """Hashes of an account's passwords, newest last: the last N may not be reused (security.md)."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="password_history")
    password = models.CharField("密码哈希", max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d}"


class RoleGrant(models.Model):
    """Every change of an account's role, by whom and when (also in the audit log)."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="role_grants")
    old_role = models.CharField("原角色", max_length=32, choices=Role.choices, blank=True)
    new_role = models.CharField("新角色", max_length=32, choices=Role.choices)
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="授权人")
    granted_at = models.DateTimeField("授权时间", default=timezone.now)
    reason = models.CharField("事由", max_length=200, blank=True)

    scope = Scope(path="user__organization__path", domain=Domain.ACCOUNTS)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "角色授权记录"
        verbose_name_plural = "角色授权记录"
        ordering = ["-granted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(new_role=""), name="grant_names_a_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.old_role or '—'} → {self.new_role}"
