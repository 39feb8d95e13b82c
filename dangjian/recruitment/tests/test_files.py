"""Recruitment files through the services and pages: refusals name the rule, admission creates the
probationary member, confirmation makes them full, and scope holds."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from dangjian.members.models import Member, MemberStatus
from dangjian.recruitment import services
from dangjian.recruitment.models import Recruitment
from dangjian.test import MemberFactory, make_id_number


@pytest.fixture
def file(world):
    MemberFactory(name="钱正", organization=world.b1)
    return services.recruitment_create(
        actor=world.user("branch_secretary"),
        organization=world.b1,
        name="陈思远",
        id_number=make_id_number(dt.date(1995, 8, 8), "M"),
        education="undergraduate",
        applied_on=dt.date(2021, 3, 1),
    )


def record(file, number, day, **kw):
    file.refresh_from_db()
    return services.step_record(
        actor=None, recruitment=file, number=number, date=day, version=file.version, **kw
    )


def walk_to_candidate(world, file):
    record(file, 2, dt.date(2021, 3, 15))
    record(file, 3, dt.date(2021, 9, 1))
    record(file, 4, dt.date(2021, 9, 5))
    a, b = world.members["m1"], world.members["m2"]
    for m in (a, b):
        services.sponsor_add(
            actor=None, recruitment=file, member=m, role="contact", since=dt.date(2021, 9, 5)
        )
    record(file, 5, dt.date(2021, 9, 5))
    record(file, 6, dt.date(2021, 9, 10))
    for day in (dt.date(2021, 11, 20), dt.date(2022, 2, 10), dt.date(2022, 5, 1), dt.date(2022, 8, 1)):
        services.cultivation_add(
            actor=None,
            recruitment=file,
            date=day,
            sponsor=a,
            content="按时提交思想汇报，积极参加志愿服务活动。",
        )
    for kind in ("cultivation_book", "thought_report", "talk_record"):
        services.document_add(actor=None, recruitment=file, kind=kind, date=dt.date(2022, 8, 1))


@pytest.mark.django_db
def test_it_refuses_a_step_before_its_prerequisite_naming_the_rule(world, file):
    with pytest.raises(ValidationError) as info:
        record(file, 3, dt.date(2021, 4, 1))  # activist before the talk (step 2)
    assert "第2步" in str(info.value) and "发展党员工作细则" in str(info.value)
    assert file.steps.count() == 1


@pytest.mark.django_db
def test_it_refuses_an_applicant_under_eighteen(world):
    with pytest.raises(ValidationError) as info:
        services.recruitment_create(
            actor=None,
            organization=world.b1,
            name="少年",
            id_number=make_id_number(dt.date(2005, 3, 2), "M"),
            education="high_school",
            applied_on=dt.date(2023, 3, 1),
        )
    assert "applied_on" in info.value.message_dict
    assert not Recruitment.objects.filter(name="少年").exists()


@pytest.mark.django_db
def test_it_flags_an_activist_year_one_day_short_and_not_the_correct_date(world, file):
    walk_to_candidate(world, file)
    flagged = record(file, 7, dt.date(2022, 8, 31))
    assert [v.code for v in flagged] == ["REC-ACTIVIST-YEAR"]
    assert "《中国共产党发展党员工作细则》" in flagged[0].basis


@pytest.mark.django_db
def test_the_correct_activist_date_is_not_flagged(world, file):
    walk_to_candidate(world, file)
    assert record(file, 7, dt.date(2022, 9, 1)) == []


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2024, 6, 1, 12, tzinfo=dt.UTC), tick=False)
def test_admission_creates_a_probationary_member_and_confirmation_makes_them_full(world, file):
    walk_to_candidate(world, file)
    record(file, 7, dt.date(2022, 9, 1))
    record(file, 8, dt.date(2022, 9, 5))
    a, b = world.members["m1"], world.members["m2"]
    for m in (a, b):
        services.sponsor_add(
            actor=None, recruitment=file, member=m, role="sponsor", since=dt.date(2022, 9, 5)
        )
    record(file, 9, dt.date(2022, 9, 5))
    record(file, 10, dt.date(2022, 10, 1))
    with pytest.raises(ValidationError):
        record(file, 11, dt.date(2022, 11, 1))  # training hours not entered yet
    services.training_record(actor=None, recruitment=file, days=3, hours=24)
    record(file, 11, dt.date(2022, 11, 1))
    services.publicity_record(
        actor=None, recruitment=file, start=dt.date(2023, 3, 1), end=dt.date(2023, 3, 7)
    )
    for n, day in [
        (12, dt.date(2023, 3, 1)),
        (13, dt.date(2023, 3, 20)),
        (14, dt.date(2023, 3, 25)),
        (15, dt.date(2023, 4, 1)),
        (16, dt.date(2023, 4, 20)),
    ]:
        record(file, n, day)
    assert not Member.objects.filter(name="陈思远").exists()
    record(file, 17, dt.date(2023, 6, 1))
    member = Member.objects.get(name="陈思远")
    assert (member.status, member.joined_on, member.organization) == (
        MemberStatus.PROBATIONARY,
        dt.date(2023, 4, 1),
        world.b1,
    )
    for n, day in [
        (18, dt.date(2023, 6, 5)),
        (19, dt.date(2023, 6, 5)),
        (20, dt.date(2023, 7, 1)),
        (21, dt.date(2023, 7, 1)),
        (22, dt.date(2024, 3, 1)),
    ]:
        record(file, n, day)
    with pytest.raises(ValidationError) as info:
        record(file, 23, dt.date(2024, 3, 31))  # probation ends 2024-04-01
    assert "预备期未满" in str(info.value)
    record(file, 23, dt.date(2024, 4, 2))
    record(file, 24, dt.date(2024, 5, 10))
    member.refresh_from_db()
    assert (member.status, member.confirmed_on) == (MemberStatus.FULL, dt.date(2024, 4, 1))


@pytest.mark.django_db
def test_it_allows_one_extension_of_at_most_twelve_months(world, file):
    file.member = MemberFactory(organization=world.b1, status="probationary", confirmed_on=None)
    file.save()
    with pytest.raises(ValidationError):
        services.extension_add(
            actor=None, recruitment=file, decided_on=dt.date(2024, 1, 1), months=13, reason="表现一般"
        )
    services.extension_add(
        actor=None, recruitment=file, decided_on=dt.date(2024, 1, 1), months=6, reason="需继续考察"
    )
    with pytest.raises(ValidationError):
        services.extension_add(
            actor=None, recruitment=file, decided_on=dt.date(2024, 2, 1), months=3, reason="再次延长"
        )


@pytest.mark.django_db
def test_sponsors_must_be_full_members_of_the_same_branch(world, file):
    with pytest.raises(ValidationError):
        services.sponsor_add(
            actor=None,
            recruitment=file,
            member=world.members["m3"],
            role="sponsor",
            since=dt.date(2022, 1, 1),
        )
    probationary = MemberFactory(organization=world.b1, status="probationary", confirmed_on=None)
    with pytest.raises(ValidationError):
        services.sponsor_add(
            actor=None, recruitment=file, member=probationary, role="sponsor", since=dt.date(2022, 1, 1)
        )


@pytest.mark.django_db
def test_pages_are_scoped_and_show_the_rules(world, file, client_for):
    secretary = client_for(world.user("branch_secretary"))
    page = secretary.get(f"/recruitment/{file.pk}/").content.decode()
    assert "陈思远" in page and "派人谈话" in page
    assert file.id_number not in page
    # the talk is overdue (applied 2021-03-01): flagged with its source
    assert "应在收到入党申请书后1个月内" in page
    other = MemberFactory(organization=world.b3)
    assert other
    c2_file = services.recruitment_create(
        actor=None,
        organization=world.b3,
        name="外支部",
        id_number=make_id_number(dt.date(1990, 1, 1), "F"),
        education="college",
        applied_on=dt.date(2024, 1, 1),
    )
    assert secretary.get(f"/recruitment/{c2_file.pk}/").status_code == 404
    assert (
        secretary.post(
            f"/recruitment/{c2_file.pk}/step/", {"number": 2, "date": "2024-01-10", "version": 1}
        ).status_code
        == 404
    )
    inspector = client_for(world.user("inspector"))
    assert inspector.get(f"/recruitment/{file.pk}/").status_code == 200
    assert (
        inspector.post(
            f"/recruitment/{file.pk}/step/", {"number": 2, "date": "2021-03-10", "version": file.version}
        ).status_code
        == 404
    )
    ledger = secretary.get("/recruitment/ledger.xlsx")
    assert ledger.status_code == 200 and ledger["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from dangjian.core.xlsx import read_rows

    rows = read_rows(BytesIO(ledger.content))
    names = [r[0] for r in rows[2:]]
    assert names == ["陈思远"]


@pytest.mark.django_db
def test_the_page_records_a_step_and_shows_a_refusal(world, file, client_for):
    client = client_for(world.user("branch_secretary"))
    ok = client.post(
        f"/recruitment/{file.pk}/step/", {"number": 2, "date": "2021-03-15", "version": file.version}
    )
    assert ok.status_code == 302
    file.refresh_from_db()
    bad = client.post(
        f"/recruitment/{file.pk}/step/", {"number": 7, "date": "2021-04-01", "version": file.version}
    )
    assert bad.status_code == 200 and "前置步骤第4步「上级党委备案」尚未记录" in bad.content.decode()
    assert file.steps.count() == 2
