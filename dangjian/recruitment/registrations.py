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
from dangjian.recruitment import api  # noqa: F401  (registers API routes)
from dangjian.recruitment.cards import due_card


def _demo(ctx: Any) -> None:
    from dangjian.recruitment.demo import build

    build(ctx)


register_nav(
    NavItem(
        "发展党员",
        "recruitment:list",
        Domain.RECORDS,
        order=40,
        roles=frozenset({"street_staff", "community_worker", "branch_secretary", "inspector"}),
    )
)
register_home_card(HomeCard("recruitment/cards/due.html", due_card, order=40))
register_demo_builder(DemoBuilder("recruitment", _demo, order=50))
