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
from dangjian.services import api  # noqa: F401  (registers API routes)
from dangjian.services.cards import requests_card


def _demo(ctx: Any) -> None:
    from dangjian.services.demo import build

    build(ctx)


register_nav(
    NavItem(
        "服务群众",
        "services:summary",
        Domain.RECORDS,
        order=60,
        roles=frozenset({"street_staff", "community_worker", "branch_secretary", "inspector"}),
    )
)
register_nav(NavItem("我的积分", "services:points", Domain.RECORDS, order=61, roles=frozenset({"member"})))
register_home_card(HomeCard("services/cards/requests.html", requests_card, order=60))
register_demo_builder(DemoBuilder("services", _demo, order=70))
