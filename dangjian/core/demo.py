"""The demo data run: one context handed to every app's builder (dangjian.core.registry).

Builders run in `order`: organizations (10), members (20), then each capability (100+). They must be
deterministic for a seed (use only `ctx.rng`, never `random` or the clock) and write with bulk_create.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

SCALES = {
    # communities, members in total, branches per community (range)
    "street": {"communities": 10, "members": 2000},
    "district": {"communities": 66, "members": 5000},
}


@dataclass
class DemoContext:
    scale: str
    seed: int
    today: dt.date
    rng: random.Random
    years: int = 5  # history depth: records from (today.year - years + 1) to today
    street: Any = None  # the root Organization
    organizations: list[Any] = field(default_factory=list)  # every Organization created, in tree order
    members: list[Any] = field(default_factory=list)  # every Member created
    actor: Any = None  # the demo's street-staff user, for services that need an actor
    notes: list[str] = field(default_factory=list)  # lines printed at the end (e.g. planted problems)
    # (self-check rule code, organization pk) of every problem planted on purpose: the self-check must
    # find each of them (dangjian/selfcheck/tests/test_demo_plants.py).
    planted: set[tuple[str, int]] = field(default_factory=set)
    # The pk of the model branch (示范党支部): every builder keeps its records clean (no planted
    # problem, no sloppiness), so the self-check finds nothing there.
    model_branch: int | None = None

    def plant(self, rule: str, organization: Any) -> None:
        self.planted.add((rule, organization if isinstance(organization, int) else organization.pk))

    @property
    def first_year(self) -> int:
        return self.today.year - self.years + 1

    def branches(self) -> list[Any]:
        return [o for o in self.organizations if o.kind == "branch"]

    def communities(self) -> list[Any]:
        """Community-level organizations: the children of a street committee, whatever their kind
        (社区党委, 党总支 or 社区党支部)."""
        streets = {o.pk for o in self.organizations if o.kind == "street_committee"}
        return [o for o in self.organizations if o.parent_id in streets]
