"""Navigation, home cards and demo builders of this app (dangjian.core.registry)."""

from typing import Any

from dangjian.accounts.roles import Domain
from dangjian.core.registry import DemoBuilder, NavItem, register_demo_builder, register_nav


def _demo(ctx: Any) -> None:
    from dangjian.members.demo import build

    build(ctx)


register_nav(NavItem("党员", "members:list", Domain.RECORDS, order=20))
register_demo_builder(DemoBuilder("members", _demo, order=20))
