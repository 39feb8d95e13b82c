"""Organizational-life rules (LIFE-*): each with records that trigger it and a minimal change that
does not."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.life.models import Activity, ActivityKind, Appraisal, AppraisalGrade, DutyReport, Talk
from dangjian.members.models import Member, Membership
from dangjian.selfcheck.tests.helpers import activity, committee, findings
from dangjian.test import MemberFactory

pytestmark = pytest.mark.django_db
LONG = "会议学习了党的二十大精神，结合社区实际讨论了老旧小区改造中的党员责任区划分，" * 6


def test_it_finds_a_quarter_without_a_general_meeting(world):  # noqa: ANN001
    for q in (1, 2, 4):
        activity(world.b1, ActivityKind.GENERAL_MEETING, dt.date(2024, 3 * q - 1, 10), LONG)
    found = [f for f in findings("LIFE-001", world.street) if f.organization_id == world.b1.pk]
    assert [f.period for f in found] == ["2024年第三季度"]
    assert found[0].message == "2024年第三季度支部党员大会应召开1次，实际记录0次"
    activity(world.b1, ActivityKind.GENERAL_MEETING, dt.date(2024, 8, 10), LONG)
    assert not [f for f in findings("LIFE-001", world.street) if f.organization_id == world.b1.pk]


def test_it_does_not_count_a_period_that_has_not_ended(world):  # noqa: ANN001
    found = findings(
        "LIFE-001", world.street, dt.date(2024, 1, 1), dt.date(2024, 12, 31), today=dt.date(2024, 8, 15)
    )
    assert {f.period for f in found if f.organization_id == world.b1.pk} == {
        "2024年第一季度",
        "2024年第二季度",
    }


def test_it_finds_missing_committee_meetings_only_where_there_is_a_committee(world):  # noqa: ANN001
    assert findings("LIFE-002", world.street) == []
    committee(world.b1, world.members["m1"], world.members["m2"])
    found = findings("LIFE-002", world.street)
    assert len(found) == 12 and {f.organization_id for f in found} == {world.b1.pk}
    for month in range(1, 13):
        activity(world.b1, ActivityKind.COMMITTEE_MEETING, dt.date(2024, month, 5), LONG)
    assert findings("LIFE-002", world.street) == []


@pytest.mark.parametrize(
    ("code", "kind", "owner", "count"),
    [
        ("LIFE-003", ActivityKind.GROUP_MEETING, "g1", 12),
        ("LIFE-004", ActivityKind.LECTURE, "b1", 4),
        ("LIFE-006", ActivityKind.THEMED_DAY, "b1", 12),
        ("LIFE-007", ActivityKind.LIFE_MEETING, "b1", 1),
    ],
)
def test_it_finds_each_missing_activity_kind(world, code, kind, owner, count):  # noqa: ANN001
    org = getattr(world, owner)
    assert len([f for f in findings(code, world.street) if f.organization_id == org.pk]) == count
    for month in range(1, 13):
        activity(org, kind, dt.date(2024, month, 12), LONG)
    assert [f for f in findings(code, world.street) if f.organization_id == org.pk] == []


def test_it_finds_a_year_without_a_lecture_by_the_secretary(world):  # noqa: ANN001
    committee(world.b1, world.members["m1"])
    activity(world.b1, ActivityKind.LECTURE, dt.date(2024, 5, 1), LONG, lecturer=world.members["m2"])
    assert [f.organization_id for f in findings("LIFE-005", world.street)].count(world.b1.pk) == 1
    activity(world.b1, ActivityKind.LECTURE, dt.date(2024, 9, 1), LONG, lecturer=world.members["m1"])
    assert world.b1.pk not in [f.organization_id for f in findings("LIFE-005", world.street)]


def test_it_finds_a_year_without_appraisal(world):  # noqa: ANN001
    assert world.b2.pk in [f.organization_id for f in findings("LIFE-008", world.street)]
    Appraisal.objects.create(
        organization=world.b2, year=2024, member=world.members["m3"], grade=AppraisalGrade.QUALIFIED
    )
    assert world.b2.pk not in [f.organization_id for f in findings("LIFE-008", world.street)]


def test_it_finds_talks_not_covering_every_pairing(world):  # noqa: ANN001
    m1, m2 = world.members["m1"], world.members["m2"]
    extra = MemberFactory(organization=world.b1)
    committee(world.b1, m1)
    Talk.objects.create(
        organization=world.b1, participant_a=m1, participant_b=m2, date=dt.date(2024, 4, 1), summary="谈话"
    )
    found = [f for f in findings("LIFE-009", world.street) if f.organization_id == world.b1.pk]
    assert len(found) == 1 and "党员之间" in found[0].message
    Talk.objects.create(
        organization=world.b1, participant_a=m2, participant_b=extra, date=dt.date(2024, 5, 1), summary="谈话"
    )
    assert [f for f in findings("LIFE-009", world.street) if f.organization_id == world.b1.pk] == []


def test_it_finds_minutes_missing_or_too_short(world):  # noqa: ANN001
    empty = activity(world.b1, ActivityKind.THEMED_DAY, dt.date(2024, 3, 1), "")
    short = activity(world.b1, ActivityKind.THEMED_DAY, dt.date(2024, 4, 1), "主题党日主题：\n学习。")
    activity(world.b1, ActivityKind.THEMED_DAY, dt.date(2024, 5, 1), LONG)
    found = {f.subjects[0]: f.message for f in findings("LIFE-010", world.street)}
    assert set(found) == {f"life.Activity:{empty.pk}", f"life.Activity:{short.pk}"}
    assert "未填写会议记录" in found[f"life.Activity:{empty.pk}"]
    assert "仅3字" in found[f"life.Activity:{short.pk}"]


def test_it_finds_a_life_meeting_without_criticism(world):  # noqa: ANN001
    meeting = activity(
        world.b1, ActivityKind.LIFE_MEETING, dt.date(2024, 12, 10), "批评与自我批评：\n" + LONG
    )
    assert [f.subjects for f in findings("LIFE-011", world.street)] == [(f"life.Activity:{meeting.pk}",)]
    Activity.objects.filter(pk=meeting.pk).update(
        minutes=LONG + "张建国作自我批评：学习不够深入。李秀英提出批评：联系群众不够。"
    )
    assert findings("LIFE-011", world.street) == []


def test_it_finds_identical_attendance_lists_on_different_days(world):  # noqa: ANN001
    people = [world.members["m1"], world.members["m2"]] + [
        MemberFactory(organization=world.b1) for _ in range(7)
    ]
    same = [*people[:-2], (people[-2], "work"), (people[-1], "sick")]
    a = activity(world.b1, ActivityKind.THEMED_DAY, dt.date(2024, 3, 5), LONG, same)
    b = activity(world.b1, ActivityKind.THEMED_DAY, dt.date(2024, 4, 5), LONG, same)
    activity(
        world.b1, ActivityKind.LECTURE, dt.date(2024, 4, 5), LONG, same
    )  # same day as b: not counted twice
    found = findings("LIFE-012", world.street)
    assert len(found) == 1 and set(found[0].subjects) >= {f"life.Activity:{a.pk}", f"life.Activity:{b.pk}"}
    from dangjian.life.models import Attendance

    Attendance.objects.filter(activity=b, member=people[-1]).update(absence_reason="personal")
    found = findings("LIFE-012", world.street)
    assert all(f"life.Activity:{b.pk}" not in f.subjects for f in found)


def test_it_does_not_flag_full_attendance_every_time(world):  # noqa: ANN001
    people = [MemberFactory(organization=world.b1) for _ in range(7)]
    activity(world.b1, ActivityKind.THEMED_DAY, dt.date(2024, 3, 5), LONG, people)
    activity(world.b1, ActivityKind.THEMED_DAY, dt.date(2024, 4, 5), LONG, people)
    assert findings("LIFE-012", world.street) == []


def test_it_finds_an_attendee_who_was_not_a_member_that_day(world):  # noqa: ANN001
    outsider = world.members["m4"]  # a member of B3
    a = activity(
        world.b1, ActivityKind.THEMED_DAY, dt.date(2024, 3, 5), LONG, [world.members["m1"], outsider]
    )
    g = activity(world.g1, ActivityKind.GROUP_MEETING, dt.date(2024, 3, 6), LONG, [world.members["m1"]])
    found = findings("LIFE-013", world.street)
    assert [f.subjects for f in found] == [(f"life.Activity:{a.pk}",)]
    assert "赵丽华" in found[0].message and g.pk
    Membership.objects.filter(member=outsider).update(until=dt.date(2024, 1, 1))
    Membership.objects.create(member=outsider, organization=world.b1, since=dt.date(2024, 1, 2))
    assert findings("LIFE-013", world.street) == []


def test_it_finds_a_member_absent_for_a_year_and_shows_the_elderly_as_such(world):  # noqa: ANN001
    m1, m2 = world.members["m1"], world.members["m2"]
    Member.objects.filter(pk=m2.pk).update(elderly=True)
    for month in (2, 5, 8, 11):
        activity(world.b1, ActivityKind.THEMED_DAY, dt.date(2024, month, 3), LONG, [m1, (m2, "mobility")])
    found = findings("LIFE-014", world.street)
    assert [f.subjects for f in found] == [(f"members.Member:{m2.pk}",)]
    assert "高龄" in found[0].message and "4次" in found[0].message
    activity(world.b1, ActivityKind.THEMED_DAY, dt.date(2024, 12, 3), LONG, [m1, m2])
    assert findings("LIFE-014", world.street) == []


def test_it_finds_a_duty_report_without_ideological_work(world, settings):  # noqa: ANN001
    report = DutyReport.objects.create(
        organization=world.b1,
        year=2024,
        secretary=world.members["m1"],
        text="一年来抓党建、抓服务，组织生活正常开展。",
    )
    found = findings("LIFE-015", world.street)
    assert [f.subjects for f in found] == [(f"life.DutyReport:{report.pk}",)]
    assert "意识形态工作责任制" in found[0].message
    DutyReport.objects.filter(pk=report.pk).update(text=report.text + "认真落实意识形态工作责任制。")
    assert findings("LIFE-015", world.street) == []
    settings.DOMAIN_RULES = {
        **settings.DOMAIN_RULES,
        "selfcheck": {"thresholds": {"LIFE-015": {"topics": {"党风廉政建设": ["廉政"]}}}},
    }
    assert "党风廉政建设" in findings("LIFE-015", world.street)[0].message


def test_it_does_not_flag_a_housebound_member_absent_from_every_meeting(world):  # noqa: ANN001
    """GIVEN two meetings where the same two housebound members are absent (行动不便) and one more
    for a personal reason THEN no finding; WHEN one of the two is instead 'sick' both times THEN the
    lists (two identical occasional absences) are flagged."""
    people = [MemberFactory(organization=world.b1) for _ in range(9)]
    standing = [*people[:-3], (people[-3], "mobility"), (people[-2], "mobility"), (people[-1], "personal")]
    a = activity(world.b1, ActivityKind.THEMED_DAY, dt.date(2024, 3, 5), LONG, standing)
    activity(world.b1, ActivityKind.THEMED_DAY, dt.date(2024, 4, 5), LONG, standing)
    assert findings("LIFE-012", world.street) == []  # one occasional absence only: chance
    from dangjian.life.models import Attendance

    Attendance.objects.filter(member=people[-2]).update(absence_reason="sick")
    found = findings("LIFE-012", world.street)
    assert len(found) == 1 and f"life.Activity:{a.pk}" in found[0].subjects
