"""Navigation, home cards and demo builders of this app (dangjian.core.registry)."""

from typing import Any

from dangjian.accounts.roles import Domain
from dangjian.core.registry import (
    DemoBuilder,
    HomeCard,
    NavItem,
    register_demo_builder,
    register_home_card,
    register_nav,
)
from dangjian.members import api  # noqa: F401  (registers API routes)
from dangjian.members.cards import members_card, own_record_card


def _demo(ctx: Any) -> None:
    from dangjian.members.demo import build

    build(ctx)


register_nav(NavItem("党员", "members:list", Domain.RECORDS, order=20))
register_home_card(HomeCard("members/cards/own.html", own_record_card, order=5))
register_home_card(HomeCard("members/cards/summary.html", members_card, order=10))
register_demo_builder(DemoBuilder("members", _demo, order=20))
