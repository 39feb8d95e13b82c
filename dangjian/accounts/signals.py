"""Logins, failed logins and logouts go to the audit trail (a decoupled concern: signals fit).
django-axes listens to the same signals for its lockout; a locked-out attempt is a failed login too."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from dangjian.audit.models import EventType
from dangjian.audit.services import audit_record


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, event_type=EventType.LOGIN, organization=user.organization, object_type="accounts.User",
                 object_repr=user.username)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, event_type=EventType.LOGOUT, organization=user.organization, object_type="accounts.User",
                     object_repr=user.username)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    from dangjian.accounts.models import User

    username = str(credentials.get("username", ""))[:150].replace("\x00", "")
    account = User.objects.filter(username=username).select_related("organization").first() if username else None
    locked = bool(getattr(request, "axes_locked_out", False))
    audit_record(
        actor=account, actor_name=username, event_type=EventType.LOGIN_FAILED, success=False,
        organization=account.organization if account else None, object_type="accounts.User", object_repr=username,
        data={"step": "验证码" if credentials.get("step") == "totp" else "密码", **({"locked": True} if locked else {})},
    )
