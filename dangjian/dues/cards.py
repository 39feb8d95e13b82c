"""Home-page card: the scope's collection rate this month and last, and how many members are six months
or more in arrears; for a member, what they owe."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from dangjian.accounts.roles import Domain, Role
from dangjian.dues import config, selectors
from dangjian.dues.ledger import month_of
from dangjian.lib.periods import add_months


def dues_card(request: Any) -> dict[str, Any] | None:
    user = request.user
    today = timezone.localdate()
    if user.role == Role.MEMBER:
        if user.member_id is None:
            return None
        own = selectors.member_dues(user.member, today)
        return {"own": own, "warning_months": config.warning_months()}
    if not user.can(Domain.RECORDS):
        return None
    org = user.organization
    this_month = month_of(today)
    last_month = add_months(this_month, -1)
    coll = selectors.collection(org, [last_month, this_month], by_child=False)
    arrears = selectors.arrears_count(org, today, config.error_months())
    return {
        "org_id": org.pk, "this_month": coll.months[1], "last_month": coll.months[0], "arrears": arrears,
        "error_months": config.error_months(),
    }
