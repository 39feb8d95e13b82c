"""Shared REST API pieces: the router every app registers on, scoped viewsets, error shape."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, routers, viewsets
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from dangjian.accounts.roles import READ, WRITE

router = routers.DefaultRouter()


class ScopedViewSetMixin:
    """Querysets through dangjian.core.scope: outside the caller's subtree is 404, never 403."""

    queryset: Any

    def get_queryset(self):  # type: ignore[no-untyped-def]
        action = READ if self.request.method in SAFE_METHODS else WRITE  # type: ignore[attr-defined]
        return self.queryset.for_user(self.request.user, action)  # type: ignore[attr-defined]


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    return drf_exception_handler(exc, context)
