"""Reads for the administrators' pages: accounts in reach, current lockouts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Max, QuerySet, Sum
from django.utils import timezone

from dangjian.accounts.models import User


def accounts_for(actor: Any, q: str = "") -> QuerySet[User]:
    qs = User.objects.for_user(actor).select_related("organization").order_by("organization__path", "username")
    if q:
        qs = qs.filter(username__icontains=q) | qs.filter(display_name__icontains=q)
    return qs


@dataclass(frozen=True)
class Lockout:
    kind: str  # "username" or "ip_address"
    value: str
    failures: int
    last_attempt: dt.datetime
    account: User | None = None

    @property
    def until(self) -> dt.datetime:
        return self.last_attempt + settings.AXES_COOLOFF_TIME


def lockouts_for(actor: Any) -> list[Lockout]:
    """Usernames and addresses locked out now (failures within the cool-off period at the limit).
    A security administrator sees the accounts of their subtree; the top-level one also sees
    addresses and usernames that match no account."""
    from axes.models import AccessAttempt

    threshold = timezone.now() - settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(attempt_time__gte=threshold)
    top = actor.organization.parent_id is None
    out: list[Lockout] = []
    by_user = (
        recent.exclude(username__isnull=True).exclude(username="").values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT).order_by("username")
    )
    rows = list(by_user)
    accounts = {u.username: u for u in User.objects.filter(username__in=[r["username"] for r in rows]).select_related("organization")}
    for row in rows:
        account = accounts.get(row["username"])
        if account is None and not top:
            continue
        if account is not None and not account.organization.path.startswith(actor.organization.path):
            continue
        out.append(Lockout("username", row["username"], row["failures"], row["last"], account))
    if top:
        by_ip = (
            recent.exclude(ip_address__isnull=True).values("ip_address")
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=settings.AXES_FAILURE_LIMIT).order_by("ip_address")
        )
        out.extend(Lockout("ip_address", r["ip_address"], r["failures"], r["last"]) for r in by_ip)
    return out
