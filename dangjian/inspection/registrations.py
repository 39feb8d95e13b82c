"""Navigation, home cards, API routes and demo builders of this app (dangjian.core.registry)."""

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
from dangjian.inspection import api  # noqa: F401  (registers the viewsets on dangjian.core.api.router)


def _demo(ctx: Any) -> None:
    from dangjian.inspection.demo import build

    build(ctx)


def _card(request: Any) -> dict[str, Any] | None:
    from dangjian.inspection.cards import reminder_card

    return reminder_card(request)


register_nav(NavItem("巡察整改", "inspection:index", Domain.FINDINGS, order=60))
register_home_card(HomeCard("inspection/snippets/home_card.html", _card, order=60))
register_demo_builder(DemoBuilder("inspection", _demo, order=60))
