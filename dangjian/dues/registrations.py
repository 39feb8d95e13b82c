"""Navigation, home cards and demo builders of this app (dangjian.core.registry)."""

from typing import Any

from dangjian.accounts.roles import Domain
from dangjian.core.registry import (
    DemoBuilder,
    HomeCard,
    NavItem,
    OrgSection,
    register_demo_builder,
    register_home_card,
    register_nav,
    register_org_section,
)
from dangjian.dues import api  # noqa: F401  (registers the viewsets on dangjian.core.api.router)
from dangjian.dues.cards import dues_card


def _demo(ctx: Any) -> None:
    from dangjian.dues.demo import build

    build(ctx)


register_nav(NavItem("党费", "dues:index", Domain.RECORDS, order=40))
register_home_card(HomeCard("dues/cards/home.html", dues_card, order=40))
register_org_section(OrgSection("党费交纳表", "dues:grid", Domain.RECORDS, order=40))
register_demo_builder(DemoBuilder("dues", _demo, order=40))
