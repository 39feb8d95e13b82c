"""Extension points through which each capability plugs into the shared pages and commands
without the core importing it: navigation entries, home-page cards and demo-data builders.
Apps register in their AppConfig.ready() (see each app's registrations.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    domain: str
    order: int = 100
    roles: frozenset[str] | None = None  # None: every role that may read `domain`


@dataclass(frozen=True)
class HomeCard:
    """`render(request)` returns a context dict for `template`, or None to hide the card."""

    template: str
    render: Callable[[Any], dict[str, Any] | None]
    order: int = 100


@dataclass(frozen=True)
class DemoBuilder:
    """`build(ctx)` adds one capability's records to the demo; `order` runs foundations first."""

    name: str
    build: Callable[[Any], None]
    order: int = 100


@dataclass(frozen=True)
class OrgSection:
    """A link shown on every organization page, e.g. the life compliance table.
    `url_name` takes the organization's pk as its only argument."""

    label: str
    url_name: str
    domain: str
    order: int = 100

    def visible(self, user: Any) -> bool:
        from dangjian.accounts.roles import allows

        return allows(user.role, self.domain)


@dataclass
class Registry:
    nav: list[NavItem] = field(default_factory=list)
    home_cards: list[HomeCard] = field(default_factory=list)
    demo_builders: list[DemoBuilder] = field(default_factory=list)
    org_sections: list[OrgSection] = field(default_factory=list)
    # provider(root Organization, date, user) -> dangjian.core.charts.Chart | None
    charts: list[Callable[[Any, Any, Any], Any]] = field(default_factory=list)


registry = Registry()


def register_nav(item: NavItem) -> None:
    if item not in registry.nav:
        registry.nav.append(item)
        registry.nav.sort(key=lambda i: i.order)


def register_home_card(card: HomeCard) -> None:
    if card not in registry.home_cards:
        registry.home_cards.append(card)
        registry.home_cards.sort(key=lambda c: c.order)


def register_demo_builder(builder: DemoBuilder) -> None:
    if all(b.name != builder.name for b in registry.demo_builders):
        registry.demo_builders.append(builder)
        registry.demo_builders.sort(key=lambda b: b.order)


def register_org_section(section: OrgSection) -> None:
    if section not in registry.org_sections:
        registry.org_sections.append(section)
        registry.org_sections.sort(key=lambda s: s.order)


def register_chart(provider: Callable[[Any, Any, Any], Any]) -> None:
    if provider not in registry.charts:
        registry.charts.append(provider)
