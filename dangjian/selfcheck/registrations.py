"""Navigation and home card of the self-check (dangjian.core.registry)."""

from __future__ import annotations

from typing import Any

from dangjian.accounts.roles import Domain, Role
from dangjian.core.registry import HomeCard, NavItem, register_home_card, register_nav

STAFF_ROLES = frozenset({Role.STREET_STAFF, Role.COMMUNITY_WORKER, Role.BRANCH_SECRETARY, Role.INSPECTOR})


def _card(request: Any) -> dict[str, Any] | None:
    from dangjian.selfcheck.models import Run

    user = request.user
    if getattr(user, "role", None) not in STAFF_ROLES:
        return None
    last = Run.objects.for_user(user).filter(organization=user.organization).finished().first()
    return {"last_run": last}


register_nav(NavItem("自查体检", "selfcheck:index", Domain.RECORDS, order=80, roles=STAFF_ROLES))
register_home_card(HomeCard("selfcheck/cards/last_run.html", _card, order=60))
