"""Home card: recruitment steps due in the next 30 days in the user's scope."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from dangjian.accounts.roles import Domain, Role
from dangjian.recruitment.models import Recruitment
from dangjian.recruitment.selectors import due_within


def due_card(request: Any) -> dict[str, Any] | None:
    user = request.user
    if user.role == Role.MEMBER or not user.can(Domain.RECORDS):
        return None
    today = timezone.localdate()
    due = due_within(Recruitment.objects.for_user(user), today, 30)
    return {"due": due[:8], "count": len(due), "today": today}
