"""Checks on save: each with a valid and an invalid case; errors store nothing, warnings are stored."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.audit.models import AuditEvent
from dangjian.life.minutes_templates import template_for
from dangjian.life.models import Activity, ActivityKind, Attendance
from dangjian.life.selectors import expected_members
from dangjian.life.services import activity_create
from dangjian.life.tests.conftest import LONG_MINUTES, activity_input
from dangjian.test import MemberFactory

DAY = dt.date(2024, 3, 15)


def _people(world):  # noqa: ANN001, ANN202
    m1, m2 = world.members["m1"], world.members["m2"]
    return {"host": m1.pk, "recorder": m2.pk}


def _all_present(world, **kw):  # noqa: ANN001, ANN003, ANN202
    m1, m2 = world.members["m1"], world.members["m2"]
    return activity_input(**_people(world), attended={m1.pk, m2.pk}, **kw)


def _create(world, data, user="branch_secretary"):  # noqa: ANN001, ANN202
    return activity_create(actor=world.user(user), organization=world.b1, data=data)


def _nothing_stored() -> None:
    assert Activity.objects.count() == 0
    assert Attendance.objects.count() == 0
    assert not AuditEvent.objects.filter(object_type="life.Activity").exists()


def test_it_saves_a_valid_meeting_with_counts_from_the_lists(world):
    m1, m2 = world.members["m1"], world.members["m2"]
    data = activity_input(
        **_people(world),
        attended={m1.pk},
        absences={m2.pk: ("sick", "住院")},
        guests=[("王明", "区委组织部")],
    )
    a = _create(world, data)
    counted = Activity.objects.with_counts().get(pk=a.pk)
    assert (counted.expected_count, counted.attended_count, counted.guest_count) == (2, 1, 1)
    absent = a.attendances.get(member=m2)
    assert (absent.attended, absent.absence_reason, absent.absence_note) == (False, "sick", "住院")
    assert AuditEvent.objects.filter(
        object_type="life.Activity", object_id=str(a.pk), event_type="create"
    ).exists()


def test_it_refuses_an_attendee_who_was_not_a_member_that_day(world):
    late_joiner = MemberFactory(
        name="后来者", organization=world.b1, joined_on=dt.date(2024, 4, 1), confirmed_on=dt.date(2025, 4, 1)
    )
    m1, m2 = world.members["m1"], world.members["m2"]
    data = activity_input(**_people(world), attended={m1.pk, m2.pk, late_joiner.pk})
    with pytest.raises(ValidationError) as exc:
        _create(world, data)
    assert "后来者" in " ".join(exc.value.message_dict["attendance"])
    assert "不是本组织应到党员" in " ".join(exc.value.message_dict["attendance"])
    _nothing_stored()
    # valid: the same person on a day after joining
    ok = activity_input(**_people(world), date=dt.date(2024, 4, 2), attended={m1.pk, m2.pk, late_joiner.pk})
    assert _create(world, ok).attendances.count() == 3


def test_it_refuses_a_member_of_another_branch_in_the_list(world):
    m3 = world.members["m3"]  # B2
    with pytest.raises(ValidationError) as exc:
        _create(
            world,
            activity_input(
                **_people(world), attended={world.members["m1"].pk, world.members["m2"].pk, m3.pk}
            ),
        )
    assert "attendance" in exc.value.message_dict
    _nothing_stored()


def test_it_requires_a_reason_for_every_absent_member(world):
    m1, m2 = world.members["m1"], world.members["m2"]
    with pytest.raises(ValidationError) as exc:
        _create(world, activity_input(**_people(world), attended={m1.pk}, absences={m2.pk: ("", "")}))
    assert exc.value.message_dict["attendance"] == ["李秀英缺席，请选择缺席原因"]
    with pytest.raises(ValidationError) as exc:
        _create(world, activity_input(**_people(world), attended={m1.pk}))
    assert "李秀英" in exc.value.message_dict["attendance"][0]
    _nothing_stored()


def test_it_refuses_a_lecture_without_lecturer(world):
    base = dict(kind=ActivityKind.LECTURE, lecture_title="新时代党员的责任")
    with pytest.raises(ValidationError) as exc:
        _create(world, _all_present(world, **base))
    assert exc.value.message_dict["lecturer"] == ["党课须填写授课人（本组织党员或外请授课人姓名）"]
    _nothing_stored()
    by_member = _create(world, _all_present(world, lecturer=world.members["m1"].pk, **base))
    assert by_member.lecturer_display == "张建国"
    outside = _create(world, _all_present(world, lecturer_name="区委党校 刘老师", **base))
    assert outside.lecturer_display == "区委党校 刘老师"


def test_it_refuses_a_held_meeting_dated_in_the_future(world):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        _create(world, _all_present(world, date=tomorrow))
    assert "date" in exc.value.message_dict
    _nothing_stored()
    assert _create(world, _all_present(world, date=timezone.localdate())).pk


def test_it_warns_when_a_life_meeting_shows_no_criticism_and_self_criticism(world):
    without = LONG_MINUTES + "会上每名党员作了自我批评。"  # self-criticism only, no criticism of others
    a = _create(
        world,
        _all_present(world, kind=ActivityKind.LIFE_MEETING, minutes=template_for("life_meeting") + without),
    )
    assert [w["code"] for w in a.warnings] == ["no_criticism"]
    assert Activity.objects.get(pk=a.pk).warnings[0]["basis"]  # stored, with its basis
    with_both = LONG_MINUTES + "会上开展了批评与自我批评，张建国对李秀英提出批评意见：参加学习不够经常。"
    b = _create(
        world,
        _all_present(world, kind=ActivityKind.LIFE_MEETING, minutes=template_for("life_meeting") + with_both),
    )
    assert b.warnings == []


def test_it_warns_when_the_minutes_are_too_short_but_saves(world, settings):
    settings.DOMAIN_RULES = {**settings.DOMAIN_RULES, "life_minutes_min_chars": 100}
    short = _create(world, _all_present(world, minutes=template_for("general_meeting") + "学习了文件。"))
    assert [w["code"] for w in short.warnings] == ["minutes_short"]
    assert "6字" in short.warnings[0]["message"]  # the template's own lines do not count
    assert _create(world, _all_present(world)).warnings == []


def test_it_warns_when_a_general_meeting_decides_without_quorum(world):
    m1, m2 = world.members["m1"], world.members["m2"]
    MemberFactory(name="正式党员三", organization=world.b1)
    third = MemberFactory(name="正式党员四", organization=world.b1)
    people = _people(world)
    ids = [m.pk for m in (m1, m2, third)]
    everyone = [e.member.pk for e in expected_members(world.b1, "general_meeting", DAY)]
    absent = {pk: ("sick", "") for pk in everyone if pk not in ids[:2]}
    a = _create(
        world,
        activity_input(**people, attended=set(ids[:2]), absences=absent, resolutions="同意接收预备党员"),
    )
    assert [w["code"] for w in a.warnings] == ["no_quorum"]  # 2 of 4 is not more than half
    absent.pop(third.pk)
    b = _create(
        world, activity_input(**people, attended=set(ids), absences=absent, resolutions="同意接收预备党员")
    )
    assert b.warnings == []


def test_it_refuses_a_group_meeting_for_a_branch_and_a_committee_meeting_without_committee(world):
    with pytest.raises(ValidationError) as exc:
        _create(world, _all_present(world, kind=ActivityKind.GROUP_MEETING))
    assert "kind" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _create(world, _all_present(world, kind=ActivityKind.COMMITTEE_MEETING))
    assert "没有在任的委员" in exc.value.message_dict["attendance"][0]
    _nothing_stored()


def test_it_refuses_people_outside_the_callers_scope_as_host(world):
    m4 = world.members["m4"]  # branch B3, outside the B1 secretary's scope and not expected
    with pytest.raises(ValidationError) as exc:
        _create(
            world,
            activity_input(
                host=m4.pk,
                recorder=world.members["m2"].pk,
                attended={world.members["m1"].pk, world.members["m2"].pk},
            ),
        )
    assert exc.value.message_dict["host"] == ["主持人不在您的管辖范围内"]
    _nothing_stored()
