"""Navigation, home card and demo builder of the self-check (dangjian.core.registry)."""

from __future__ import annotations

from typing import Any

from dangjian.accounts.roles import Domain, Role
from dangjian.core.registry import (
    DemoBuilder,
    HomeCard,
    NavItem,
    register_demo_builder,
    register_home_card,
    register_nav,
)

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


def _demo(ctx: Any) -> None:
    """The demo's texts (minutes, lectures, talks, duty reports) are bulk-inserted, not saved one by
    one through the pages that index each text as it is saved: index them all now, as those saves
    would have, so the first self-check of the demo is an ordinary run."""
    from dangjian.selfcheck import textindex

    done = textindex.sync_all()
    ctx.notes.append(
        f"自查：{done.indexed}篇会议记录、党课讲稿、谈话记录和述职报告已建立文本指纹索引（用于查找雷同材料）"
    )


register_demo_builder(DemoBuilder("selfcheck", _demo, order=90))
