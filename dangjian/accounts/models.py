from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from dangjian.accounts.roles import ADMIN_ROLES, PII_ROLES, Domain, Role, allows


class User(AbstractUser):
    """An account: one role, bound to one organization whose subtree it sees."""

    role = models.CharField("角色", max_length=32, choices=Role.choices)
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
        return Role(self.role).label if self.role else ""

    def can(self, domain: Domain | str, action: str = "read") -> bool:
        return bool(self.is_active and allows(self.role, domain, action))

    @property
    def may_reveal_pii(self) -> bool:
        return self.role in PII_ROLES

    @property
    def is_admin_role(self) -> bool:
        return self.role in ADMIN_ROLES
