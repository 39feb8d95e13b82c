"""The obligations calendar: every frequency rule at its period boundaries, organizations founded
mid-year, configurable rules, and a query count independent of the number of branches."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.life.models import Activity, ActivityKind, Appraisal, Talk
from dangjian.life.obligations import DONE, LATE, OPEN, compute
from dangjian.orgs.models import CommitteeRole, OrgKind
from dangjian.orgs.services import committee_create
from dangjian.test import MemberFactory, OrganizationFactory


def act(org, kind, day, **kw):  # noqa: ANN001, ANN003, ANN201
    return Activity.objects.create(organization=org, kind=kind, date=day, place="活动室", topic="学习", **kw)


def status(result, org, rule, label):  # noqa: ANN001, ANN201
    for o in result.by_org.get(org.pk, {}).get(rule, []):
        if o.period.label == label:
            return o.status
    return None  # not owed


def test_it_counts_a_meeting_on_the_last_day_of_a_quarter_for_that_quarter(world):
    act(world.b1, ActivityKind.GENERAL_MEETING, dt.date(2024, 3, 31))
    act(world.b2, ActivityKind.GENERAL_MEETING, dt.date(2024, 4, 1))
    r = compute(world.street, [2024], dt.date(2024, 4, 1))
    assert status(r, world.b1, "general_meeting", "2024年第1季度") == DONE
    assert status(r, world.b2, "general_meeting", "2024年第1季度") == LATE
    assert status(r, world.b2, "general_meeting", "2024年第2季度") == DONE
    assert status(r, world.b1, "general_meeting", "2024年第2季度") == OPEN
    assert status(r, world.b1, "general_meeting", "2024年第3季度") is None  # not begun


def test_it_is_open_on_the_last_day_of_the_period_and_late_the_day_after(world):
    on_last_day = compute(world.b1, [2024], dt.date(2024, 3, 31))
    assert status(on_last_day, world.b1, "themed_day", "2024年3月") == OPEN
    assert status(on_last_day, world.b1, "lecture", "2024年第1季度") == OPEN
    next_day = compute(world.b1, [2024], dt.date(2024, 4, 1))
    assert status(next_day, world.b1, "themed_day", "2024年3月") == LATE
    assert status(next_day, world.b1, "lecture", "2024年第1季度") == LATE
    act(world.b1, ActivityKind.THEMED_DAY, dt.date(2024, 3, 31))
    act(world.b1, ActivityKind.LECTURE, dt.date(2024, 1, 1), lecturer_name="党校老师", lecture_title="党章")
    done = compute(world.b1, [2024], dt.date(2024, 4, 1))
    assert status(done, world.b1, "themed_day", "2024年3月") == DONE
    assert status(done, world.b1, "lecture", "2024年第1季度") == DONE


def test_it_owes_a_branch_founded_mid_year_only_from_its_founding(world):
    new = OrganizationFactory(
        name="新建党支部", kind=OrgKind.BRANCH, parent=world.c1, founded_on=dt.date(2024, 6, 15)
    )
    r = compute(world.c1, [2024], dt.date(2025, 1, 10))
    assert status(r, new, "themed_day", "2024年6月") is None
    assert status(r, new, "themed_day", "2024年7月") == LATE
    assert status(r, new, "general_meeting", "2024年第2季度") is None
    assert status(r, new, "general_meeting", "2024年第3季度") == LATE
    assert (
        status(r, new, "life_meeting", "2024年") == LATE
    )  # founded before December: owes the year's meeting
    months = [o.period.index for o in r.by_org[new.pk]["themed_day"]]
    assert months == [7, 8, 9, 10, 11, 12]
    assert len(r.by_org[world.b1.pk]["themed_day"]) == 12
    december = OrganizationFactory(
        name="年末新建支部", kind=OrgKind.BRANCH, parent=world.c1, founded_on=dt.date(2024, 12, 5)
    )
    r2 = compute(world.c1, [2024], dt.date(2025, 1, 10))
    assert status(r2, december, "life_meeting", "2024年") is None
    assert december.pk not in r2.by_org


def test_it_owes_yearly_rules_until_the_end_of_the_year(world):
    act(world.b1, ActivityKind.LIFE_MEETING, dt.date(2024, 12, 31))
    r = compute(world.street, [2024], dt.date(2024, 12, 31))
    assert status(r, world.b1, "life_meeting", "2024年") == DONE
    assert status(r, world.b2, "life_meeting", "2024年") == OPEN
    r = compute(world.street, [2024], dt.date(2025, 1, 1))
    assert status(r, world.b2, "life_meeting", "2024年") == LATE
    assert status(r, world.b2, "appraisal", "2024年") == LATE
    Appraisal.objects.create(organization=world.b2, year=2024, member=world.members["m3"], grade="qualified")
    r = compute(world.street, [2024], dt.date(2025, 1, 1))
    assert status(r, world.b2, "appraisal", "2024年") == DONE


def test_it_owes_committee_meetings_only_while_a_committee_sits(world, b1_committee):
    act(world.b1, ActivityKind.COMMITTEE_MEETING, dt.date(2024, 1, 31))
    r = compute(world.c1, [2024], dt.date(2024, 3, 1))
    assert status(r, world.b1, "committee_meeting", "2024年1月") == DONE
    assert status(r, world.b1, "committee_meeting", "2024年2月") == LATE
    assert status(r, world.b1, "committee_meeting", "2024年3月") == OPEN
    assert world.b2.pk not in r.by_org or "committee_meeting" not in r.by_org[world.b2.pk]
    cell = {c.rule.key: c for c in next(row for row in r.rows() if row.org.pk == world.b2.pk).cells}[
        "committee_meeting"
    ]
    assert cell.not_applicable.startswith("委员不足")


def test_it_owes_group_meetings_per_group_and_shows_them_on_the_branch_row(world):
    g2 = OrganizationFactory(name="第二党小组", kind=OrgKind.GROUP, parent=world.b1)
    act(world.g1, ActivityKind.GROUP_MEETING, dt.date(2024, 1, 10))
    r = compute(world.c1, [2024], dt.date(2024, 2, 1))
    assert status(r, world.g1, "group_meeting", "2024年1月") == DONE
    assert status(r, g2, "group_meeting", "2024年1月") == LATE
    rows = {row.org.pk: {c.rule.key: c for c in row.cells} for row in r.rows()}
    assert (rows[world.b1.pk]["group_meeting"].done, rows[world.b1.pk]["group_meeting"].late) == (1, 1)
    assert rows[world.b2.pk]["group_meeting"].not_applicable == "未设党小组"
    assert world.g1.pk not in rows  # groups fold into their branch's row


def test_it_requires_every_possible_talk_pairing_and_a_secretary_lecture(world, b1_committee):
    m1, m2, m5 = world.members["m1"], world.members["m2"], world.members["m5"]
    plain = MemberFactory(name="普通党员", organization=world.b1)
    other = MemberFactory(name="另一党员", organization=world.b1)
    Talk.objects.create(
        organization=world.b1, participant_a=m1, participant_b=m2, date=dt.date(2024, 3, 1), summary="谈"
    )
    r = compute(world.b1, [2024], dt.date(2025, 1, 5))
    talks = r.by_org[world.b1.pk]["talks"][0]
    assert (talks.count, talks.required, talks.status) == (1, 3, LATE)
    assert talks.note == "缺少：委员与党员之间、党员之间"
    Talk.objects.create(
        organization=world.b1, participant_a=m5, participant_b=plain, date=dt.date(2024, 4, 1), summary="谈"
    )
    Talk.objects.create(
        organization=world.b1,
        participant_a=plain,
        participant_b=other,
        date=dt.date(2024, 5, 1),
        summary="谈",
    )
    assert compute(world.b1, [2024], dt.date(2025, 1, 5)).by_org[world.b1.pk]["talks"][0].status == DONE
    # secretary lecture: a lecture by the organization member m2 does not count, by the secretary m1 does
    act(world.b1, ActivityKind.LECTURE, dt.date(2024, 6, 1), lecturer=m2, lecture_title="党史")
    assert (
        status(compute(world.b1, [2024], dt.date(2025, 1, 5)), world.b1, "secretary_lecture", "2024年")
        == LATE
    )
    act(world.b1, ActivityKind.LECTURE, dt.date(2024, 9, 1), lecturer=m1, lecture_title="党章")
    assert (
        status(compute(world.b1, [2024], dt.date(2025, 1, 5)), world.b1, "secretary_lecture", "2024年")
        == DONE
    )


def test_it_reads_the_frequencies_from_settings(world, settings):
    settings.DOMAIN_RULES = {
        **settings.DOMAIN_RULES,
        "life_frequencies": {
            "lecture": {"every": "month", "times": 1},
            "themed_day": {"every": "month", "times": 2},
            "talks": {"times": 0},
        },
    }
    act(world.b1, ActivityKind.THEMED_DAY, dt.date(2024, 1, 5))
    r = compute(world.b1, [2024], dt.date(2024, 2, 1))
    assert [o.period.label for o in r.by_org[world.b1.pk]["lecture"]] == ["2024年1月", "2024年2月"]
    january = r.by_org[world.b1.pk]["themed_day"][0]
    assert (january.count, january.required, january.status) == (1, 2, LATE)
    assert "talks" not in {rule.key for rule in r.rules}


def _branch_with_history(parent, n):  # noqa: ANN001, ANN202
    b = OrganizationFactory(name=f"测试支部{n}", kind=OrgKind.BRANCH, parent=parent)
    g = OrganizationFactory(name=f"测试小组{n}", kind=OrgKind.GROUP, parent=b)
    sec = MemberFactory(organization=b)
    dep = MemberFactory(organization=b)
    committee_create(
        actor=None,
        organization=b,
        elected_on=dt.date(2020, 1, 1),
        seats=[
            {"member": sec, "role": CommitteeRole.SECRETARY},
            {"member": dep, "role": CommitteeRole.ORGANIZATION},
        ],
    )
    for month in range(1, 13):
        act(b, ActivityKind.THEMED_DAY, dt.date(2024, month, 3))
        act(b, ActivityKind.COMMITTEE_MEETING, dt.date(2024, month, 4))
        act(g, ActivityKind.GROUP_MEETING, dt.date(2024, month, 5))
    act(b, ActivityKind.LECTURE, dt.date(2024, 3, 6), lecturer=sec, lecture_title="党课")
    Talk.objects.create(
        organization=b, participant_a=sec, participant_b=dep, date=dt.date(2024, 5, 1), summary="谈"
    )
    Appraisal.objects.create(organization=b, year=2024, member=sec, grade="excellent")


def test_it_renders_the_compliance_page_with_queries_independent_of_the_branch_count(world, client_for):
    client = client_for(world.user("street_staff"))
    url = reverse("life:compliance", args=[world.street.pk]) + "?year=2024"
    _branch_with_history(world.c2, 1)
    with CaptureQueriesContext(connection) as small:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == 1 + 4  # header + B1, B2, B3, 测试支部1
    for n in range(2, 8):
        _branch_with_history(world.c2, n)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.content.decode().count("<tr>") == 1 + 10
    assert "测试支部7" in response.content.decode()
    assert len(large.captured_queries) == len(small.captured_queries)


def test_it_hides_the_compliance_page_outside_the_subtree(world, client_for):
    client = client_for(world.user("branch_secretary"))  # B1
    assert client.get(reverse("life:compliance", args=[world.b3.pk])).status_code == 404
    assert client.get(reverse("life:compliance", args=[world.b1.pk])).status_code == 200
    member = client_for(world.user("member"))
    assert member.get(reverse("life:compliance", args=[world.b1.pk])).status_code == 404
