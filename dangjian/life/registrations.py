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
from dangjian.life import api  # noqa: F401  (registers the viewsets on dangjian.core.api.router)


def _demo(ctx: Any) -> None:
    from dangjian.life.demo import build

    build(ctx)


def _late_card(request: Any) -> dict[str, Any] | None:
    from dangjian.life.cards import late_card

    return late_card(request)


def _own_card(request: Any) -> dict[str, Any] | None:
    from dangjian.life.cards import own_card

    return own_card(request)


register_nav(NavItem("组织生活", "life:index", Domain.RECORDS, order=30))
register_home_card(HomeCard("life/cards/late.html", _late_card, order=30))
register_home_card(HomeCard("life/cards/own.html", _own_card, order=31))
register_demo_builder(DemoBuilder("life", _demo, order=30))
