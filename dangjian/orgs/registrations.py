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
from dangjian.orgs import api  # noqa: F401  (registers API routes)
from dangjian.orgs.cards import structure_card


def _demo(ctx: Any) -> None:
    from dangjian.orgs.demo import build

    build(ctx)


register_nav(NavItem("党组织", "orgs:tree", Domain.ORGS, order=10))
register_home_card(HomeCard("orgs/cards/structure.html", structure_card, order=20))
register_demo_builder(DemoBuilder("orgs", _demo, order=10))
