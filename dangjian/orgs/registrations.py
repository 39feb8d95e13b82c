"""Navigation, home cards and demo builders of this app (dangjian.core.registry)."""

from typing import Any

from dangjian.accounts.roles import Domain
from dangjian.core.registry import DemoBuilder, NavItem, register_demo_builder, register_nav


def _demo(ctx: Any) -> None:
    from dangjian.orgs.demo import build

    build(ctx)


register_nav(NavItem("党组织", "orgs:tree", Domain.ORGS, order=10))
register_demo_builder(DemoBuilder("orgs", _demo, order=10))
