from __future__ import annotations

from typing import Any

from django.utils import timezone

from dangjian.accounts.roles import Domain, Role
from dangjian.services.models import ServiceRequest
from dangjian.services.selectors import overdue_requests


def requests_card(request: Any) -> dict[str, Any] | None:
    user = request.user
    if user.role == Role.MEMBER or not user.can(Domain.RECORDS):
        return None
    qs = ServiceRequest.objects.for_user(user)
    return {
        "open": qs.exclude(status="closed").count(),
        "overdue": overdue_requests(qs, timezone.localdate()).count(),
    }
