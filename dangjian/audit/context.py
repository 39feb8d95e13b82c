"""The request's source address for audit rows written deep inside services."""

from __future__ import annotations

from contextvars import ContextVar

source_ip: ContextVar[str | None] = ContextVar("source_ip", default=None)


def client_ip(request) -> str | None:  # type: ignore[no-untyped-def]
    return request.META.get("REMOTE_ADDR") or None
