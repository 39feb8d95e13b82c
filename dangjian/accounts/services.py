"""Writes to accounts (三员分立, security.md):

- the system administrator creates, disables and re-enables accounts and resets their passwords
  (accounts are never deleted: their history stays attributable);
- the security administrator grants roles and releases lockouts;
- an administrator role is granted only to a fresh account that never held a role, and an account that
  holds one never changes role: nobody can combine two administrator roles, or slide an everyday
  account into an administrator's powers, without a new account;
- every change is audited (EventType.PERMISSION for role grants).
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction

from dangjian.accounts.models import RoleGrant, User
from dangjian.accounts.roles import ADMIN_ROLES, WRITE, Domain, Role
from dangjian.audit.models import EventType
from dangjian.audit.services import audit_record
from dangjian.core import pii
from dangjian.core.scope import org_in_scope
from dangjian.members.models import Member
from dangjian.orgs.models import Organization


def _require(actor: Any, role: str, what: str) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.is_active or actor.role != role:
        raise PermissionError(f"只有{Role(role).label}可以{what}")


def _require_reach(actor: Any, user: User) -> None:
    if not user.organization.path.startswith(actor.organization.path):
        raise PermissionError("该账号不在您的管辖范围内")


def temporary_password(length: int = 14) -> str:
    """A random initial password meeting the policy (upper, lower, digit, symbol)."""
    alphabet = string.ascii_letters + string.digits + "-_.!@#%"
    while True:
        value = "".join(secrets.choice(alphabet) for _ in range(length))
        if (any(c.isupper() for c in value) and any(c.islower() for c in value)
                and any(c.isdigit() for c in value) and any(c in "-_.!@#%" for c in value)):
            return value


def _snapshot(user: User) -> dict[str, Any]:
    return {
        "username": user.username, "display_name": user.display_name, "role": user.role,
        "organization": user.organization_id, "member": user.member_id, "is_active": user.is_active,
    }


def find_member_for_account(*, organization: Organization, id_number: str) -> Member:
    """The member record of a member's own account, found by the keyed hash of the ID number
    (the administrator never sees the register)."""
    from dangjian.lib import idcard

    try:
        value = idcard.parse(id_number.strip()).value
    except idcard.IdNumberError as exc:
        raise ValidationError({"id_number": f"公民身份号码无效：{exc}"}) from exc
    member = Member.objects.filter(
        id_number_hmac=pii.digest(value), organization__path__startswith=organization.path
    ).first()
    if member is None:
        raise ValidationError({"id_number": "所属党组织及其下级的党员名册中没有该身份证号码"})
    if User.objects.filter(member=member).exists():
        raise ValidationError({"id_number": "该党员已有账号"})
    return member


@transaction.atomic
def account_create(
    *, actor: Any, username: str, organization: Organization, display_name: str = "", member_id_number: str = "",
) -> tuple[User, str]:
    """A new account without a role (the security administrator grants it) and a one-time initial
    password that must be changed at first login. Returns the account and that password."""
    _require(actor, Role.SYSTEM_ADMIN, "新建账号")
    if not org_in_scope(actor, organization, Domain.ACCOUNTS, WRITE):
        raise ValidationError({"organization": "党组织不存在或不在您的管辖范围内"})
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "该用户名已被使用（停用的账号也保留用户名）"})
    member = find_member_for_account(organization=organization, id_number=member_id_number) if member_id_number else None
    password = temporary_password()
    user = User(
        username=username, display_name=display_name.strip(), organization=organization, member=member, role="",
        must_change_password=True,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user.set_password(password)  # saved after the row exists so that the password history records it
    user.save(update_fields=["password"])
    audit_record(actor=actor, event_type=EventType.CREATE, subject=user, organization=organization,
                 object_repr=user.username, data={"new": _snapshot(user)})
    return user, password


@transaction.atomic
def account_set_active(*, actor: Any, user: User, active: bool, reason: str = "") -> User:
    """Disable (is_active=False) or re-enable an account; never delete it."""
    _require(actor, Role.SYSTEM_ADMIN, "停用或启用账号")
    _require_reach(actor, user)
    if user.pk == actor.pk:
        raise ValidationError("不能停用自己的账号")
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.is_active == active:
        return locked
    locked.is_active = active
    locked.save(update_fields=["is_active"])
    audit_record(actor=actor, event_type=EventType.UPDATE, subject=locked, object_repr=locked.username,
                 data={"changes": {"is_active": [not active, active]}, "reason": reason[:200]})
    return locked


@transaction.atomic
def account_reset_password(*, actor: Any, user: User) -> str:
    """A new one-time password that must be changed at the next login. Returns it."""
    _require(actor, Role.SYSTEM_ADMIN, "重置密码")
    _require_reach(actor, user)
    if user.pk == actor.pk:
        raise ValidationError("请在“账号安全”中修改自己的密码")
    locked = User.objects.select_for_update().get(pk=user.pk)
    password = temporary_password()
    locked.set_password(password)
    locked.must_change_password = True
    locked.save(update_fields=["password", "must_change_password"])
    audit_record(actor=actor, event_type=EventType.SECURITY, subject=locked, object_repr=locked.username,
                 data={"action": "重置密码"})
    return password


def check_role_grant(*, actor: Any, user: User, role: str) -> None:
    """三员分立 at the moment of granting (raises ValidationError with a Chinese reason)."""
    _require(actor, Role.SECURITY_ADMIN, "授予角色")
    _require_reach(actor, user)
    if role not in Role.values:
        raise ValidationError({"role": "没有这个角色"})
    if user.pk == actor.pk:
        raise ValidationError({"role": "不能给自己授予角色"})
    if not user.is_active:
        raise ValidationError({"role": "该账号已停用"})
    if user.role == role:
        raise ValidationError({"role": "该账号已是此角色"})
    if user.role in ADMIN_ROLES:
        raise ValidationError({"role": f"管理员账号（{Role(user.role).label}）不能改为其他角色：三员分立，须另建账号"})
    if role in ADMIN_ROLES and (user.role or RoleGrant.objects.filter(user=user).exists()):
        raise ValidationError({"role": "管理员角色只能授予从未授予过角色的新账号：三员分立，须另建账号"})
    if role == Role.MEMBER and user.member_id is None:
        raise ValidationError({"role": "党员角色须对应党员档案：请系统管理员新建账号时填写该党员的身份证号码"})
    if role in ADMIN_ROLES and user.member_id is not None:
        raise ValidationError({"role": "党员本人账号不能授予管理员角色"})


@transaction.atomic
def role_grant(*, actor: Any, user: User, role: str, reason: str = "") -> RoleGrant:
    locked = User.objects.select_for_update().get(pk=user.pk)
    check_role_grant(actor=actor, user=locked, role=role)
    old = locked.role
    locked.role = role
    locked.full_clean(exclude=["password"])
    locked.save(update_fields=["role"])
    grant = RoleGrant.objects.create(user=locked, old_role=old, new_role=role, granted_by=actor, reason=reason[:200])
    audit_record(
        actor=actor, event_type=EventType.PERMISSION, subject=locked, object_repr=locked.username,
        data={"changes": {"role": [old, role]}, "reason": reason[:200]},
    )
    return grant


@transaction.atomic
def password_change(*, actor: Any, old_password: str, new_password: str) -> None:
    """The account's own password change (first login, expiry, or by choice)."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    if not user.check_password(old_password):
        raise ValidationError({"old_password": "原密码不正确"})
    if old_password == new_password:
        raise ValidationError({"new_password1": "新密码不能与原密码相同"})
    password_validation.validate_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    actor.password = user.password
    actor.must_change_password = False
    actor.password_changed_at = user.password_changed_at
    audit_record(actor=user, event_type=EventType.SECURITY, subject=user, object_repr=user.username,
                 data={"action": "修改密码"})


@transaction.atomic
def lockout_release(*, actor: Any, username: str = "", ip_address: str = "") -> int:
    """Release a login lockout (django-axes) for an account or an address. Returns attempts cleared."""
    from axes.utils import reset

    _require(actor, Role.SECURITY_ADMIN, "解除登录锁定")
    if username:
        user = User.objects.filter(username=username).select_related("organization").first()
        if user is not None:
            _require_reach(actor, user)
        elif actor.organization.parent_id is not None:
            raise PermissionError("只有最高一级的安全管理员可以解除不存在账号的锁定")
        count = reset(username=username)
        subject_repr = username
    elif ip_address:
        if actor.organization.parent_id is not None:
            raise PermissionError("只有最高一级的安全管理员可以解除按地址的锁定")
        count = reset(ip=ip_address)
        subject_repr = ip_address
    else:
        raise ValidationError("请指定账号或地址")
    audit_record(
        actor=actor, event_type=EventType.SECURITY, organization=actor.organization, object_type="axes.AccessAttempt",
        object_repr=subject_repr, data={"action": "解除登录锁定", "username": username, "ip": ip_address, "cleared": count},
    )
    return count


@transaction.atomic
def totp_confirm(*, actor: Any, device: Any, token: str) -> bool:
    """Confirm a new TOTP device with a first code from the app; audited. False if the code is wrong."""
    if device.user_id != actor.pk or not device.verify_token(token.strip()):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    type(device).objects.filter(user=actor).exclude(pk=device.pk).delete()  # one device per account
    audit_record(actor=actor, event_type=EventType.SECURITY, subject=actor, object_repr=actor.username,
                 data={"action": "启用双因素认证"})
    return True


@transaction.atomic
def totp_disable(*, actor: Any, token: str) -> bool:
    """Turn two factors off (not allowed for the administrator roles); needs a current code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if actor.is_admin_role:
        raise PermissionError("管理员账号必须使用双因素认证")
    device = TOTPDevice.objects.filter(user=actor, confirmed=True).first()
    if device is None or not device.verify_token(token.strip()):
        return False
    TOTPDevice.objects.filter(user=actor).delete()
    audit_record(actor=actor, event_type=EventType.SECURITY, subject=actor, object_repr=actor.username,
                 data={"action": "停用双因素认证"})
    return True
