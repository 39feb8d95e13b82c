"""The self-check against the demo data: every problem the demo builders planted on purpose
(DemoContext.plant: rule code and organization) is found by that rule, and the model branch
(DemoContext.model_branch, 示范党支部, whose records every builder keeps clean) has no finding at all.

GIVEN the tiny demo street (one community of each kind, ~400 members, five years of every record),
  or the demo district (8 streets, 66 communities, ~5,000 members, five years)
WHEN the self-check runs over each street from the earliest record to the demo's today
THEN each planted (rule, organization) appears among the runs' findings
AND no rule finds anything in the model branch or its groups."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from dangjian.core.demo import DemoContext
from dangjian.core.management.commands.demo import build_demo
from dangjian.elections.models import Election
from dangjian.orgs.models import Organization
from dangjian.selfcheck import engine

TODAY = dt.date(2026, 6, 30)


@pytest.mark.django_db
@pytest.mark.parametrize("scale", ["tiny", "district"])
def test_the_self_check_finds_every_problem_the_demo_planted(scale: str):
    ctx = DemoContext(scale=scale, seed=1, today=TODAY, rng=random.Random(1))
    build_demo(ctx)
    rules = {code for code, _ in ctx.planted}
    # The demo plants at least one problem for most rules; a rule none is planted for is not checked here.
    assert len(rules) >= 25, sorted(rules)

    first = min([dt.date(ctx.first_year, 1, 1), *Election.objects.values_list("held_on", flat=True)])
    streets = list(Organization.objects.filter(parent__isnull=True))
    assert len(streets) == (8 if scale == "district" else 1)
    found = set()
    for street in streets:
        outcomes, _ = engine.run_rules(
            street, first.replace(month=1, day=1), TODAY, TODAY, codes=sorted(rules)
        )
        assert not [o.error for o in outcomes if o.error]
        found |= {(o.rule.code, f.organization_id) for o in outcomes for f in o.findings}
    assert len({pk for _, pk in ctx.planted}) >= (100 if scale == "district" else 20)
    names = {o.pk: o.name for o in ctx.organizations}
    missed = sorted((code, names.get(pk, pk)) for code, pk in ctx.planted - found)
    assert not missed, missed

    model = Organization.objects.get(pk=ctx.model_branch)
    assert not {code for code, pk in ctx.planted if pk == model.pk}
    outcomes, _ = engine.run_rules(model, first.replace(month=1, day=1), TODAY, TODAY)
    assert len(outcomes) == len(engine.enabled_rules()) and not [o.error for o in outcomes if o.error]
    assert [(o.rule.code, f.message) for o in outcomes for f in o.findings] == []
    # ... while the same rules do find problems in the rest of the street.
    assert sum(len(o.findings) for o in engine.run_rules(ctx.street, first, TODAY, TODAY)[0]) > 100
