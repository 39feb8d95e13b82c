"""Home card: committees whose term ends soon or has ended, in the user's scope."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from dangjian.accounts.roles import Domain, Role
from dangjian.elections.selectors import terms_due
from dangjian.orgs.models import Committee


def terms_card(request: Any) -> dict[str, Any] | None:
    user = request.user
    if user.role == Role.MEMBER or not user.can(Domain.RECORDS):
        return None
    today = timezone.localdate()
    due = terms_due(Committee.objects.for_user(user), today)
    return {
        "due": due[:8],
        "count": len(due),
        "overdue": sum(1 for c in due if c.ends_on < today),
        "today": today,
    }
