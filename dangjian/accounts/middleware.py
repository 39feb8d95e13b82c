"""What an account must do before anything else, checked on every request (security.md):

1. a first login or an expired password: change it (only the change page, logout and static files work);
2. the three administrator roles: set up and use two factors (TOTP) in this session;
3. 三员分立: the audit administrator reaches the audit log and their own account pages, nothing else
   (every other page is 404, as for anything outside one's reach).

API requests get a JSON 403 instead of a redirect.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from dangjian.accounts.roles import Role

# Pages an account may always reach (its way out of a blocked state).
ALWAYS_OPEN = (
    "accounts:login", "accounts:login_verify", "accounts:logout", "accounts:password_change",
    "accounts:otp_setup",
)
# What the audit administrator may reach besides those.
AUDIT_ADMIN_OPEN = ("audit:log", "accounts:security")


class AccountPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @cached_property
    def _open_paths(self) -> frozenset[str]:
        return frozenset(reverse(name) for name in ALWAYS_OPEN)

    @cached_property
    def _audit_prefixes(self) -> tuple[str, ...]:
        return tuple(reverse(name) for name in AUDIT_ADMIN_OPEN)

    def _is_open(self, path: str) -> bool:
        static = settings.STATIC_URL or "/static/"
        return path in self._open_paths or path.startswith(static)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or self._is_open(request.path):
            return self.get_response(request)
        api = request.path.startswith("/api/")
        if user.password_expired:
            if api:
                return JsonResponse({"detail": "密码已过期或为初始密码，请先登录网页修改密码"}, status=403)
            return redirect(f"{reverse('accounts:password_change')}?{urlencode({'next': request.path})}")
        if user.is_admin_role and not user.is_verified():
            if api:
                return JsonResponse({"detail": "管理员账号须先完成双因素认证"}, status=403)
            return redirect("accounts:otp_setup")
        if user.role == Role.AUDIT_ADMIN and not request.path.startswith(self._audit_prefixes):
            if request.path == "/":
                return redirect("audit:log")
            if api:
                return JsonResponse({"detail": "未找到。"}, status=404)
            from dangjian.core.views import not_found

            return not_found(request)
        return self.get_response(request)
