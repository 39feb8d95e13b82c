"""Home-page cards: late obligations in the user's scope; a member's own attendance."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.utils import timezone

from dangjian.accounts.roles import Domain, Role
from dangjian.life import obligations, selectors
from dangjian.orgs.models import OrgKind

CARD_LIMIT = 12


def late_card(request: Any) -> dict[str, Any] | None:
    user = request.user
    if user.role == Role.MEMBER or not user.can(Domain.RECORDS):
        return None
    today = timezone.localdate()
    # In the first quarter, last year's yearly and fourth-quarter obligations are still news.
    years = [today.year - 1, today.year] if today.month <= 3 else [today.year]
    root = user.organization
    result = obligations.compute(root, years, today)
    late = result.late()
    by_rule = Counter(o.rule.label for o in late)
    owing_now = []
    if root.kind in (OrgKind.BRANCH, OrgKind.GROUP):
        owing_now = [o for o in result.current(root) if o.status != obligations.DONE]
    return {
        "org": root,
        "late": late[:CARD_LIMIT],
        "late_total": len(late),
        "by_rule": by_rule.most_common(),
        "owing_now": owing_now,
        "year": today.year,
        "branches_late": len({o.org.pk if o.org.kind == OrgKind.BRANCH else o.org.parent_id for o in late}),
    }


def own_card(request: Any) -> dict[str, Any] | None:
    user = request.user
    if user.role != Role.MEMBER or user.member_id is None:
        return None
    year = timezone.localdate().year
    record = selectors.member_record(user.member, year)
    return {"record": record, "year": year}
