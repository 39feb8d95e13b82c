"""Shared REST API pieces: the router every app registers on, scoped viewsets, error shape."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, routers, serializers, viewsets
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from dangjian.accounts.roles import READ, WRITE
from dangjian.core.params import MAX_ID, int_param  # noqa: F401 - int_param: the API modules import it here

router = routers.DefaultRouter()


class ScopedViewSetMixin:
    """Querysets through dangjian.core.scope: outside the caller's subtree is 404, never 403."""

    queryset: Any

    def get_queryset(self):  # type: ignore[no-untyped-def]
        action = READ if self.request.method in SAFE_METHODS else WRITE  # type: ignore[attr-defined]
        return self.queryset.for_user(self.request.user, action)  # type: ignore[attr-defined]


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class RowIdField(serializers.IntegerField):
    """An input naming a row (member, organization, finding...) by id: a positive number no larger
    than a key column holds. Anything else is a field error here, not an overflow in the database
    driver (a 500)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


def field_errors(detail: Any) -> dict[str, Any]:
    """A validation error in the one documented shape (dangjian.core.schema.VALIDATION_ERROR_SCHEMA):
    {field: [messages]}, with errors not tied to a field under non_field_errors. Views raise it in
    several spellings ({"organization": "..."}, ["..."], "..."); clients see only this one."""
    if isinstance(detail, dict):
        return {key: value if isinstance(value, list | dict) else [value] for key, value in detail.items()}
    return {"non_field_errors": detail if isinstance(detail, list) else [detail]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Http404):
        # Our own 404s say why in Chinese; Django's get_object_or_404 says "No Member matches the given
        # query." (English, and naming the model): that one becomes DRF's plain "未找到。".
        message = str(exc)
        exc = exceptions.NotFound(message if message and not message.isascii() else None)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    if isinstance(exc, exceptions.ValidationError):
        exc = exceptions.ValidationError(detail=field_errors(exc.detail))
    return drf_exception_handler(exc, context)
