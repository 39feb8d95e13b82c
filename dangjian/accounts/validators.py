from __future__ import annotations

import string

from django.core.exceptions import ValidationError


class CharacterClassValidator:
    """At least N of: upper case, lower case, digits, symbols (security.md, 等级保护)."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: object = None) -> None:
        classes = [
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(c in string.punctuation for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(
                f"密码须至少包含大写字母、小写字母、数字、符号中的{self.min_classes}类",
                code="password_classes",
            )

    def get_help_text(self) -> str:
        return f"密码须至少包含大写字母、小写字母、数字、符号中的{self.min_classes}类。"


class PasswordHistoryValidator:
    """The new password may not be any of the account's last N passwords (security.md: 5).

    `password_changed()` is Django's hook after every saved password change (User.save after
    set_password): it records the new hash and the change time, whatever path changed it."""

    def __init__(self, count: int = 5) -> None:
        self.count = count

    def validate(self, password: str, user: object = None) -> None:
        from django.contrib.auth.hashers import check_password

        pk = getattr(user, "pk", None)
        if not pk or self.count <= 0:
            return
        from dangjian.accounts.models import PasswordHistory

        recent = PasswordHistory.objects.filter(user_id=pk).values_list("password", flat=True)[: self.count]
        if any(check_password(password, encoded) for encoded in recent):
            raise ValidationError(f"新密码不能与最近{self.count}次使用过的密码相同", code="password_reused")

    def password_changed(self, password: str, user: object = None) -> None:
        from django.utils import timezone

        from dangjian.accounts.models import PasswordHistory, User

        if not isinstance(user, User) or not user.pk:
            return
        PasswordHistory.objects.create(user=user, password=user.password)
        keep = list(PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[: max(self.count, 1)])
        PasswordHistory.objects.filter(user=user).exclude(pk__in=keep).delete()
        user.password_changed_at = timezone.now()
        User.objects.filter(pk=user.pk).update(password_changed_at=user.password_changed_at)

    def get_help_text(self) -> str:
        return f"新密码不能与最近{self.count}次使用过的密码相同。"
