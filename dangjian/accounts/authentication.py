"""API token authentication under the same account policy as the pages (dangjian.accounts.middleware).

The policy middleware runs before DRF authenticates a token, so it never sees a token's user: the
checks are repeated here. A token of an account whose password is initial or expired is refused, and
the three administrator roles (三员) cannot use tokens at all: their second factor is per session."""

from __future__ import annotations

from typing import Any

from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


class PolicyTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        if user.is_admin_role:
            raise AuthenticationFailed("管理员账号不能使用令牌访问接口，请登录网页并完成双因素认证")
        if user.password_expired:
            raise AuthenticationFailed("密码已过期或为初始密码，请先登录网页修改密码")
        return user, token
