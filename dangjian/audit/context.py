"""The request's source address for audit rows written deep inside services (and for the lockout)."""

from __future__ import annotations

import ipaddress
from contextvars import ContextVar

from django.conf import settings

source_ip: ContextVar[str | None] = ContextVar("source_ip", default=None)


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:  # type: ignore[no-untyped-def]
    """REMOTE_ADDR, or behind settings.TRUSTED_PROXY_COUNT reverse proxies the address the outermost
    trusted proxy saw (counted from the right of X-Forwarded-For, which a client cannot forge)."""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            found = _valid(hops[-proxies])
            if found:
                return found
    return _valid(request.META.get("REMOTE_ADDR", "") or "")
