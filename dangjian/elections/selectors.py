from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from dangjian.core.rules import rule
from dangjian.lib.periods import add_months
from dangjian.orgs.models import Committee


def terms_due(committees: QuerySet[Committee], today: dt.date, months: int | None = None) -> list[Committee]:
    """Current committees whose term ends within `months` (default DOMAIN_RULES term_reminder_months)
    or has already ended: the reminder list for 换届."""
    horizon = add_months(today, months if months is not None else rule("term_reminder_months"))
    return list(
        committees.filter(is_current=True, ends_on__lte=horizon, organization__dissolved_on__isnull=True)
        .select_related("organization")
        .order_by("ends_on")
    )
