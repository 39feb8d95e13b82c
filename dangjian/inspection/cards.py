"""Home-page card: overdue measures and those due within the reminder window, in the user's scope."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from dangjian.accounts.roles import Domain
from dangjian.inspection import selectors
from dangjian.inspection.models import RectificationMeasure

CARD_LIMIT = 8


def reminder_card(request: Any) -> dict[str, Any] | None:
    user = request.user
    if not user.can(Domain.FINDINGS):
        return None
    today = timezone.localdate()
    measures = RectificationMeasure.objects.for_user(user)
    overdue = selectors.overdue(measures, today).count()
    soon_qs = (
        selectors.due_soon(measures, today).select_related("finding__organization").order_by("due", "pk")
    )
    soon = list(soon_qs[:CARD_LIMIT])
    if not overdue and not soon:
        return None
    return {
        "overdue": overdue,
        "soon": soon,
        "soon_count": soon_qs.count() if len(soon) == CARD_LIMIT else len(soon),
        "days": selectors.reminder_days(),
    }
