"""Login (password, then a TOTP code when the account has a device), the account's own security page,
and the administrators' pages: accounts (system administrator), role grants, lockouts and the
password policy (security administrator)."""

from __future__ import annotations

import time
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangjian.accounts import services
from dangjian.accounts.forms import (
    AccountCreateForm,
    LoginForm,
    PasswordChangeForm,
    ReasonForm,
    RoleGrantForm,
    TokenForm,
)
from dangjian.accounts.models import RoleGrant, User
from dangjian.accounts.roles import ADMIN_ROLES, Role
from dangjian.accounts.selectors import accounts_for, lockouts_for
from dangjian.core.forms import apply_errors
from dangjian.orgs.models import Organization

PENDING = "dangjian_pending_login"  # session key: password checked, second factor outstanding
PENDING_SECONDS = 300
PAGE_SIZE = 50


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


# --- login ---------------------------------------------------------------------------------------


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """django-axes' lockout page (settings.AXES_LOCKOUT_CALLABLE), in Chinese, status 429."""
    username = ""
    if isinstance(credentials, dict):
        username = str(credentials.get("username", ""))[:150]
    return render(request, "accounts/locked.html", {
        "username": username, "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }, status=429)



class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:
        user = form.get_user()
        if confirmed_device(user) is None:
            return super().form_valid(form)
        # Password right; the session is not logged in until the code is right too.
        self.request.session.cycle_key()
        self.request.session[PENDING] = {
            "user": user.pk, "backend": user.backend, "at": time.time(), "next": self.get_redirect_url(),
        }
        return redirect("accounts:login_verify")


def _pending(request: HttpRequest) -> tuple[User | None, dict[str, Any]]:
    data = request.session.get(PENDING) or {}
    if not data or time.time() - float(data.get("at", 0)) > PENDING_SECONDS:
        return None, {}
    return User.objects.filter(pk=data.get("user"), is_active=True).first(), data


def login_verify(request: HttpRequest) -> HttpResponse:
    """The second step: the 6-digit code. Also serves a logged-in account whose session is not yet
    verified (an administrator who set up a device in another session)."""
    from axes.handlers.proxy import AxesProxyHandler

    if request.user.is_authenticated:
        user, data = request.user, {"next": request.GET.get("next", "")}
        if request.user.is_verified():
            return redirect(_safe_next(request, data["next"]))
    else:
        user, data = _pending(request)
    if user is None:
        request.session.pop(PENDING, None)
        messages.error(request, "登录已超时，请重新输入用户名和密码")
        return redirect("accounts:login")
    device = confirmed_device(user)
    if device is None:
        return redirect("accounts:otp_setup" if request.user.is_authenticated else "accounts:login")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            next_url = _safe_next(request, data.get("next"))
            if not request.user.is_authenticated:
                request.session.pop(PENDING, None)
                auth_login(request, user, backend=data["backend"])
            otp_login(request, device)
            return HttpResponseRedirect(next_url)
        # A wrong code counts as a failed login (audit, and django-axes' lockout of the account).
        user_login_failed.send(sender=__name__, credentials={"username": user.username, "step": "totp"}, request=request)
        if not AxesProxyHandler.is_allowed(request, {"username": user.username}):
            request.session.pop(PENDING, None)
            return lockout_response(request, credentials={"username": user.username})
        form.add_error("token", "验证码不正确或已过期，请输入应用中当前显示的6位数字")
    return render(request, "accounts/login_verify.html", {"form": form, "who": user})


# --- the account's own security -----------------------------------------------------------------


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                actor=request.user, old_password=form.cleaned_data["old_password"], new_password=form.cleaned_data["new_password1"],
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                exc = ValidationError({"new_password1": exc.messages})
            apply_errors(form, exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, "密码已修改")
            return redirect(_safe_next(request, request.GET.get("next")))
    reason = ""
    if request.user.must_change_password:
        reason = "首次登录或密码已被重置，请先修改密码。"
    elif request.user.password_expired:
        reason = f"密码已超过{settings.PASSWORD_MAX_AGE_DAYS}天未修改，请先修改密码。"
    return render(request, "accounts/password_change.html", {"form": form, "reason": reason})


def _qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=8, border=2)
    svg = image.to_string(encoding="unicode")
    return svg[svg.index("<svg"):]  # drop the XML declaration: inline in the page


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    if confirmed_device(request.user) is not None:
        if request.user.is_verified():
            messages.info(request, "已启用双因素认证")
            return redirect("accounts:security")
        return redirect("accounts:login_verify")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="身份验证器", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_confirm(actor=request.user, device=device, token=form.cleaned_data["token"]):
            otp_login(request, device)
            messages.success(request, "已启用双因素认证，今后登录时需输入验证码")
            return redirect("core:home")
        form.add_error("token", "验证码不正确，请确认手机时间准确后输入当前显示的6位数字")
    import base64

    secret = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/otp_setup.html", {
        "form": form, "qr": mark_safe(_qr_svg(device.config_url)),  # noqa: S308  (SVG built by qrcode from our own URL)
        "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        "required": request.user.is_admin_role,
    })


@login_required
def security(request: HttpRequest) -> HttpResponse:
    device = confirmed_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.totp_disable(actor=request.user, token=form.cleaned_data["token"])
        except PermissionError as exc:
            raise Http404 from exc
        if done:
            messages.success(request, "已停用双因素认证")
            return redirect("accounts:security")
        form.add_error("token", "验证码不正确")
    return render(request, "accounts/security.html", {
        "device": device, "form": form, "expires_at": request.user.password_expires_at,
        "max_age": settings.PASSWORD_MAX_AGE_DAYS,
    })


# --- system administrator: accounts ---------------------------------------------------------------


def _only(request: HttpRequest, role: str) -> None:
    if request.user.role != role:
        raise Http404


def _reachable_account(request: HttpRequest, pk: int) -> User:
    user = accounts_for(request.user).filter(pk=pk).first()
    if user is None:
        raise Http404("未找到该账号，或不在您的管辖范围内")
    return user


@login_required
def users(request: HttpRequest) -> HttpResponse:
    _only(request, Role.SYSTEM_ADMIN)
    q = request.GET.get("q", "").strip()[:50]
    page = Paginator(accounts_for(request.user, q), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/users.html", {"page": page, "q": q, "query": {"q": q} if q else {}})


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    _only(request, Role.SYSTEM_ADMIN)
    orgs = Organization.objects.subtree(request.user.organization).active()
    form = AccountCreateForm(request.POST or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = services.account_create(
                actor=request.user, username=form.cleaned_data["username"], organization=form.cleaned_data["organization"],
                display_name=form.cleaned_data["display_name"], member_id_number=form.cleaned_data["member_id_number"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return render(request, "accounts/user_password.html", {"account": user, "password": password, "created": True})
    return render(request, "accounts/user_form.html", {"form": form})


@login_required
@require_POST
def user_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    _only(request, Role.SYSTEM_ADMIN)
    user = _reachable_account(request, pk)
    active = request.POST.get("active") == "1"
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.account_set_active(actor=request.user, user=user, active=active, reason=reason)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已{'启用' if active else '停用'}账号{user.username}")
    return redirect("accounts:users")


@login_required
@require_POST
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    _only(request, Role.SYSTEM_ADMIN)
    user = _reachable_account(request, pk)
    try:
        password = services.account_reset_password(actor=request.user, user=user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("accounts:users")
    return render(request, "accounts/user_password.html", {"account": user, "password": password, "created": False})


# --- security administrator: roles, lockouts, policy ---------------------------------------------


@login_required
def roles(request: HttpRequest) -> HttpResponse:
    _only(request, Role.SECURITY_ADMIN)
    q = request.GET.get("q", "").strip()[:50]
    page = Paginator(accounts_for(request.user, q), PAGE_SIZE).get_page(request.GET.get("page"))
    grants = RoleGrant.objects.for_user(request.user).select_related("user", "granted_by")[:20]
    return render(request, "accounts/roles.html", {"page": page, "q": q, "query": {"q": q} if q else {}, "grants": grants})


@login_required
def role_grant(request: HttpRequest, pk: int) -> HttpResponse:
    _only(request, Role.SECURITY_ADMIN)
    user = _reachable_account(request, pk)
    form = RoleGrantForm(request.POST or None, initial={"role": user.role or None})
    if request.method == "POST" and form.is_valid():
        try:
            services.role_grant(actor=request.user, user=user, role=form.cleaned_data["role"], reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionError as exc:
            raise Http404 from exc
        else:
            messages.success(request, f"已将{user.username}的角色设为{Role(form.cleaned_data['role']).label}")
            return redirect("accounts:roles")
    history = RoleGrant.objects.filter(user=user).select_related("granted_by")
    return render(request, "accounts/role_grant.html", {
        "account": user, "form": form, "history": history, "locked": user.role in ADMIN_ROLES,
    })


@login_required
def locks(request: HttpRequest) -> HttpResponse:
    _only(request, Role.SECURITY_ADMIN)
    return render(request, "accounts/locks.html", {
        "lockouts": lockouts_for(request.user), "limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    })


@login_required
@require_POST
def unlock(request: HttpRequest) -> HttpResponse:
    _only(request, Role.SECURITY_ADMIN)
    username = request.POST.get("username", "").strip()[:150]
    ip_address = request.POST.get("ip_address", "").strip()[:45]
    try:
        count = services.lockout_release(actor=request.user, username=username, ip_address=ip_address)
    except PermissionError as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已解除{username or ip_address}的登录锁定（清除{count}条失败记录）")
    return redirect("accounts:locks")


@login_required
def policy(request: HttpRequest) -> HttpResponse:
    _only(request, Role.SECURITY_ADMIN)
    from django.contrib.auth.password_validation import password_validators_help_texts

    from dangjian.audit.services import retention_days

    return render(request, "accounts/policy.html", {
        "rules": password_validators_help_texts(),
        "max_age": settings.PASSWORD_MAX_AGE_DAYS,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "lock_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
        "retention_days": retention_days(),
        "admin_roles": [Role(r).label for r in sorted(ADMIN_ROLES)],
    })
