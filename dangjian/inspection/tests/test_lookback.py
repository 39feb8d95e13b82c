"""回头看: link proposals on a small hand-made case, the confirmed links and the recurrence chains."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dangjian.inspection import lookback, selectors, services
from dangjian.inspection.models import Finding
from dangjian.inspection.tests.helpers import make_finding, make_round

A_ORG = "聚焦基层党组织软弱涣散、组织力欠缺方面"
A_POL = "聚焦贯彻落实党的路线方针政策方面"


def test_it_measures_character_bigram_similarity():
    assert lookback.shingles("党建档案") == frozenset({"党建", "建档", "档案"})
    assert lookback.similarity("党建档案不规范", "党建档案不规范。") == 1.0
    assert lookback.similarity("党建档案不规范", "物业矛盾纠纷多") == 0.0
    assert 0 < lookback.similarity("三会一课记录不完整", "三会一课记录不规范") < 1
    assert lookback.normalize_aspect("（三）聚焦基层党组织软弱涣散方面") == lookback.normalize_aspect(
        "基层党组织软弱涣散方面的问题"
    )


def test_it_proposes_links_in_the_same_subtree_aspect_and_wording():
    """GIVEN earlier findings differing in one respect each WHEN proposing THEN only the true match is proposed."""
    day = dt.date(2024, 1, 1).toordinal()
    new = lookback.FindingText(
        10, "/1/2/", A_ORG, "党建档案不规范。有的党支部三会一课记录不完整、前后不一致", day
    )
    earlier = [
        lookback.FindingText(
            1, "/1/2/", A_ORG, "党建档案管理不规范。部分党支部三会一课记录不完整", day - 700
        ),  # match
        lookback.FindingText(
            2, "/1/3/", A_ORG, "党建档案管理不规范。部分党支部三会一课记录不完整", day - 700
        ),  # other community
        lookback.FindingText(
            3, "/1/2/", A_POL, "党建档案管理不规范。部分党支部三会一课记录不完整", day - 700
        ),  # other aspect
        lookback.FindingText(
            4, "/1/2/", A_ORG, "物业服务矛盾纠纷办法不多，能力不足", day - 700
        ),  # other problem
        lookback.FindingText(
            5, "/1/2/7/", A_ORG, "党支部三会一课记录不完整，党建档案不规范", day - 300
        ),  # branch below
        lookback.FindingText(
            6, "/1/2/", A_ORG, "党建档案不规范。有的党支部三会一课记录不完整", day + 10
        ),  # later
    ]
    proposals = lookback.propose_links([new], earlier)
    assert {p.earlier_id for p in proposals} == {1, 5}
    assert [p.score for p in proposals] == sorted((p.score for p in proposals), reverse=True)
    assert all(p.finding_id == 10 and 0 < p.score <= 1 for p in proposals)
    assert {p.earlier_id for p in lookback.propose_links([new], earlier, text_threshold=0.99)} == set()


def test_it_proposes_earlier_round_findings_for_a_round(world):  # noqa: ANN001
    today = dt.date.today()  # noqa: DTZ011 - only to place test rounds in the past
    r1 = make_round(
        world,
        name="第五轮",
        onsite_from=today - dt.timedelta(days=900),
        onsite_to=today - dt.timedelta(days=850),
        feedback_on=today - dt.timedelta(days=800),
    )
    old = make_finding(
        world,
        r1,
        aspect=A_ORG,
        title="党建档案管理不规范",
        description="部分党支部三会一课记录不完整。",
        found_on=today - dt.timedelta(days=800),
    )
    make_finding(
        world,
        r1,
        organization=world.c2,
        aspect=A_ORG,
        title="党建档案管理不规范",
        description="部分党支部三会一课记录不完整。",
        found_on=today - dt.timedelta(days=800),
    )
    r2 = make_round(world, name="第八轮")
    new = make_finding(
        world,
        r2,
        aspect=A_ORG,
        title="党建档案不规范",
        description="有的党支部三会一课记录不完整、前后不一致。",
    )
    rows = selectors.lookback_proposals(r2, Finding.objects.for_user(world.user("street_staff")))
    assert [(r.finding.pk, [f.pk for f, _ in r.proposals]) for r in rows] == [(new.pk, [old.pk])]
    # the C1 inspector sees the C1 pair too; the C2 finding is outside every C1 account's reach
    seen = selectors.lookback_proposals(r2, Finding.objects.for_user(world.user("inspector")))
    assert [[f.pk for f, _ in r.proposals] for r in seen] == [[old.pk]]
    services.finding_link_repeat(actor=world.user("street_staff"), finding=new, earlier=old)
    new.refresh_from_db()
    assert new.is_recurring
    assert selectors.lookback_proposals(r2, Finding.objects.for_user(world.user("street_staff"))) == []


def test_it_shows_chains_across_rounds_and_refuses_cycles(world):  # noqa: ANN001
    today = dt.date.today()  # noqa: DTZ011
    finds = []
    for n, days in enumerate((1500, 800, 100)):
        r = make_round(
            world,
            name=f"第{n + 1}轮",
            onsite_from=today - dt.timedelta(days=days + 60),
            onsite_to=today - dt.timedelta(days=days + 10),
            feedback_on=today - dt.timedelta(days=days),
        )
        finds.append(make_finding(world, r, found_on=today - dt.timedelta(days=days)))
    staff = world.user("street_staff")
    services.finding_link_repeat(actor=staff, finding=finds[1], earlier=finds[0])
    services.finding_link_repeat(actor=staff, finding=finds[2], earlier=finds[1])
    for f in finds:
        f.refresh_from_db()
    chains = selectors.chains(finds)
    assert [f.pk for f in chains[finds[2].pk]] == [finds[0].pk, finds[1].pk]
    assert [f.pk for f in chains[finds[1].pk]] == [finds[0].pk]
    assert finds[0].pk not in chains
    with pytest.raises(ValidationError):  # a later finding cannot be the earlier one
        services.finding_link_repeat(actor=staff, finding=finds[0], earlier=finds[2])
    with pytest.raises(ValidationError):
        services.finding_link_repeat(actor=staff, finding=finds[0], earlier=finds[0])


def test_it_refuses_links_to_findings_outside_the_scope(world):  # noqa: ANN001
    from dangjian.accounts.roles import Role
    from dangjian.test import make_user

    r = make_round(world)
    theirs = make_finding(world, r, organization=world.c2, found_on=dt.date(2020, 1, 1))
    mine = make_finding(world, r, organization=world.c1)
    inspector = make_user(Role.INSPECTOR, world.c1, username="inspector-c1b")
    with pytest.raises(ValidationError) as exc:
        services.finding_link_repeat(actor=inspector, finding=mine, earlier=theirs)
    assert "repeats" in exc.value.message_dict
