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
from dangjian.elections import api  # noqa: F401  (registers API routes)
from dangjian.elections.cards import terms_card


def _demo(ctx: Any) -> None:
    from dangjian.elections.demo import build

    build(ctx)


register_nav(
    NavItem(
        "换届选举",
        "elections:list",
        Domain.RECORDS,
        order=45,
        roles=frozenset({"street_staff", "community_worker", "branch_secretary", "inspector"}),
    )
)
register_home_card(HomeCard("elections/cards/terms.html", terms_card, order=45))
register_demo_builder(DemoBuilder("elections", _demo, order=55))
