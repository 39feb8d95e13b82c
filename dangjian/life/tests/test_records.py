"""Talks and their yearly coverage, democratic appraisal and grade shares, duty reports, study plans."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangjian.life.models import Activity, ActivityKind, Appraisal, StudyPlanItem, Talk
from dangjian.life.selectors import grade_shares, plan_vs_held, talk_coverage
from dangjian.life.services import appraisal_record, duty_report_create, study_plan_item_add, talk_create
from dangjian.test import MemberFactory, make_user


def test_it_shows_who_has_had_no_talk_this_year(world, b1_committee, client_for):
    m1, m2, m5 = world.members["m1"], world.members["m2"], world.members["m5"]
    plain = MemberFactory(name="普通党员", organization=world.b1)
    actor = world.user("branch_secretary")
    talk_create(
        actor=actor,
        organization=world.b1,
        participant_a=m1,
        participant_b=m2,
        date=dt.date(2024, 3, 1),
        summary="谈工作",
    )
    talk_create(
        actor=actor,
        organization=world.b1,
        participant_a=m1,
        participant_b=plain,
        date=dt.date(2024, 4, 1),
        summary="谈思想",
    )
    talk_create(
        actor=actor,
        organization=world.b1,
        participant_a=m1,
        participant_b=m5,
        date=dt.date(2023, 4, 1),
        summary="去年",
    )
    cov = talk_coverage(world.b1, 2024)
    assert [r.member.name for r in cov.uncovered] == ["王红"]
    assert dict(cov.pairs) == {"cc": 1, "cm": 1}
    row = {r.member.name: r for r in cov.rows}["张建国"]
    assert (row.talks, row.with_committee, row.with_members) == (2, 1, 1)
    html = client_for(actor).get(reverse("life:talks", args=[world.b1.pk]) + "?year=2024").content.decode()
    assert "1人本年度尚无谈心谈话" in html and "王红（委员）" in html
    assert client_for(actor).get(reverse("life:talks", args=[world.b3.pk])).status_code == 404


def test_it_checks_talks_on_save(world, client_for):
    m1, m2, m4 = world.members["m1"], world.members["m2"], world.members["m4"]
    actor = world.user("street_staff")
    with pytest.raises(ValidationError) as exc:
        talk_create(
            actor=actor,
            organization=world.b1,
            participant_a=m1,
            participant_b=m1,
            date=dt.date(2024, 1, 1),
            summary="x",
        )
    assert "participant_b" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        talk_create(
            actor=actor,
            organization=world.b1,
            participant_a=m4,
            participant_b=world.members["m3"],
            date=dt.date(2024, 1, 1),
            summary="x",
        )
    assert "都不是" in exc.value.message_dict["participant_a"][0]
    client = client_for(world.user("branch_secretary"))
    response = client.post(
        reverse("life:talks", args=[world.b1.pk]),
        {
            "participant_a": m1.pk,
            "participant_b": m2.pk,
            "date": "2024-02-02",
            "place": "家中",
            "summary": "谈心",
        },
    )
    assert response.status_code == 302 and Talk.objects.count() == 1
    assert (
        client_for(world.user("inspector"))
        .post(
            reverse("life:talks", args=[world.b1.pk]),
            {"participant_a": m1.pk, "participant_b": m2.pk, "date": "2024-02-02", "summary": "谈心"},
        )
        .status_code
        == 404
    )
    assert Talk.objects.count() == 1


def test_it_records_appraisal_grades_with_their_meeting_and_shows_the_shares(world, client_for):
    m1, m2 = world.members["m1"], world.members["m2"]
    extra = [MemberFactory(organization=world.b1) for _ in range(2)]
    meeting = Activity.objects.create(
        organization=world.b1,
        kind=ActivityKind.LIFE_MEETING,
        date=dt.date(2024, 12, 10),
        place="活动室",
        topic="组织生活会暨民主评议党员",
    )
    client = client_for(world.user("branch_secretary"))
    url = reverse("life:appraisals", args=[world.b1.pk]) + "?year=2024"
    response = client.post(
        url,
        {
            "activity": meeting.pk,
            f"grade_{m1.pk}": "excellent",
            f"grade_{m2.pk}": "qualified",
            f"grade_{extra[0].pk}": "qualified",
            f"grade_{extra[1].pk}": "basically_qualified",
        },
    )
    assert response.status_code == 302
    assert Appraisal.objects.filter(activity=meeting).count() == 4
    shares = {s.label: (s.count, s.percent) for s in grade_shares(world.b1, 2024)}
    assert shares == {
        "优秀": (1, "25.0%"),
        "合格": (2, "50.0%"),
        "基本合格": (1, "25.0%"),
        "不合格": (0, "0.0%"),
    }
    # a correction is a new grade with history kept
    appraisal_record(
        actor=world.user("branch_secretary"), organization=world.b1, year=2024, grades={m2.pk: "excellent"}
    )
    a = Appraisal.objects.get(member=m2)
    assert a.grade == "excellent" and a.history.count() == 2
    html = client.get(url).content.decode()
    assert "50.0%" in html and "w-50" in html
    assert client_for(make_user("branch_secretary", world.b3, "s3")).get(url).status_code == 404


def test_it_refuses_grades_for_non_members_and_meetings_of_another_year(world):
    actor = world.user("street_staff")
    with pytest.raises(ValidationError) as exc:
        appraisal_record(
            actor=actor, organization=world.b1, year=2024, grades={world.members["m3"].pk: "qualified"}
        )
    assert "不是第一党支部的党员" in exc.value.message_dict["grades"][0]
    meeting = Activity.objects.create(
        organization=world.b1,
        kind=ActivityKind.LIFE_MEETING,
        date=dt.date(2023, 12, 10),
        place="活动室",
        topic="2023年组织生活会",
    )
    with pytest.raises(ValidationError) as exc:
        appraisal_record(
            actor=actor,
            organization=world.b1,
            year=2024,
            activity=meeting,
            grades={world.members["m1"].pk: "qualified"},
        )
    assert "activity" in exc.value.message_dict
    with pytest.raises(ValidationError):
        appraisal_record(
            actor=actor, organization=world.b1, year=2024, grades={world.members["m1"].pk: "perfect"}
        )
    assert Appraisal.objects.count() == 0


def test_it_records_duty_reports_of_secretaries_only(world, b1_committee, client_for):
    text = (
        "本年度，本人认真履行党建第一责任人职责，落实意识形态工作责任制，组织开展三会一课和主题党日活动，" * 2
    )
    r = duty_report_create(
        actor=world.user("branch_secretary"),
        organization=world.b1,
        year=2024,
        secretary=world.members["m1"],
        text=text,
    )
    assert r.pk
    with pytest.raises(ValidationError) as exc:
        duty_report_create(
            actor=world.user("branch_secretary"),
            organization=world.b1,
            year=2024,
            secretary=world.members["m2"],
            text=text,
        )
    assert "未担任" in exc.value.message_dict["secretary"][0]
    with pytest.raises(ValidationError) as exc:
        duty_report_create(
            actor=world.user("branch_secretary"),
            organization=world.b1,
            year=2024,
            secretary=world.members["m1"],
            text=text,
        )
    assert "已录入" in exc.value.message_dict["year"][0]
    duty_report_create(
        actor=world.user("branch_secretary"),
        organization=world.b1,
        year=2023,
        secretary=world.members["m1"],
        text="本年度组织开展三会一课和主题党日活动，按时收缴党费，发展党员一名。" * 3,
    )
    html = (
        client_for(world.user("branch_secretary"))
        .get(reverse("life:duty_reports", args=[world.b1.pk]))
        .content.decode()
    )
    assert html.count("未提及意识形态工作") == 1


def test_it_compares_the_study_plan_with_what_was_held(world, client_for):
    actor = world.user("branch_secretary")
    study_plan_item_add(
        actor=actor, organization=world.b1, year=2024, month=3, topic="学习雷锋精神", kind="themed_day"
    )
    study_plan_item_add(
        actor=actor, organization=world.b1, year=2024, month=3, topic="学习党章", kind="themed_day"
    )
    study_plan_item_add(actor=actor, organization=world.b1, year=2024, month=4, topic="党课", kind="lecture")
    Activity.objects.create(
        organization=world.b1,
        kind=ActivityKind.THEMED_DAY,
        date=dt.date(2024, 3, 5),
        place="x",
        topic="学雷锋",
    )
    plan, months = plan_vs_held(world.b1, 2024)
    assert [(m.planned, m.done) for m in months[2:4]] == [(2, 1), (1, 0)]
    with pytest.raises(ValidationError) as exc:
        study_plan_item_add(
            actor=actor, organization=world.b1, year=2024, month=13, topic="", kind="group_meeting"
        )
    assert set(exc.value.message_dict) == {"month", "topic", "kind"}
    client = client_for(actor)
    url = reverse("life:plan", args=[world.b1.pk]) + "?year=2024"
    assert "计划3项，已开展1项" in client.get(url).content.decode()
    item = StudyPlanItem.objects.get(topic="党课")
    assert client.post(url, {"remove": item.pk}).status_code == 302
    assert StudyPlanItem.objects.count() == 2 and StudyPlanItem.history.filter(topic="党课").count() == 2
    outsider = client_for(make_user("branch_secretary", world.b3, "s3"))
    assert outsider.get(url).status_code == 404
