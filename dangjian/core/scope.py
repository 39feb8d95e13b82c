"""The one place where an account's reach is decided. Every page, API view, export and job
gets its querysets through `for_user()` and its single objects through `get_for_user_or_404()`.

A model takes part by declaring a `Scope`: how to reach its organization's tree path, which
permission domain it belongs to, and (for self-service) how to reach the member who owns it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

from django.db import models
from django.http import Http404

from dangjian.accounts.roles import READ, WRITE, Domain, Role, allows

if TYPE_CHECKING:
    from dangjian.accounts.models import User
    from dangjian.orgs.models import Organization


@dataclass(frozen=True)
class Scope:
    path: str  # lookup to the owning organization's `path`, e.g. "organization__path"
    domain: str = Domain.RECORDS
    member: str | None = None  # lookup to the owning member's id, for the MEMBER role


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user: User, action: str = READ) -> Self:
        return restrict(self, user, action)


def restrict(qs: models.QuerySet, user: Any, action: str = READ) -> models.QuerySet:
    scope: Scope | None = getattr(qs.model, "scope", None)
    if scope is None:
        raise TypeError(f"{qs.model.__name__} declares no Scope")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if not allows(user.role, scope.domain, action):
        return qs.none()
    if user.role == Role.MEMBER:
        if scope.member is None or user.member_id is None:
            return qs.none()
        return qs.filter(**{scope.member: user.member_id})
    return qs.filter(**{f"{scope.path}__startswith": user.organization.path})


def get_for_user_or_404(qs_or_model: Any, user: Any, action: str = READ, **lookup: Any) -> Any:
    qs = qs_or_model if isinstance(qs_or_model, models.QuerySet) else qs_or_model.objects.all()
    try:
        return restrict(qs, user, action).get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("未找到该记录，或不在您的管辖范围内") from exc


def org_in_scope(
    user: Any, organization: Organization, domain: str = Domain.RECORDS, action: str = WRITE
) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.role == Role.MEMBER or not allows(user.role, domain, action):
        return False
    return organization.path.startswith(user.organization.path)


def require_org(
    user: Any, organization: Organization, domain: str = Domain.RECORDS, action: str = WRITE
) -> None:
    """Raise 404 unless the user may act on records of `organization` (never reveal it exists)."""
    if not org_in_scope(user, organization, domain, action):
        raise Http404("未找到该党组织，或不在您的管辖范围内")
