from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dangjian.audit.models import AuditEvent, EventType
from dangjian.members import services
from dangjian.members.models import Member, Membership, members_on
from dangjian.test import make_id_number


def member_data(**overrides):
    data = {
        "name": "周新民", "id_number": make_id_number(dt.date(1960, 4, 5), "M"), "ethnicity": "汉族",
        "education": "college", "phone": "13812345678", "category": "resident", "status": "full",
        "joined_on": dt.date(1985, 6, 1), "confirmed_on": dt.date(1986, 6, 1),
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_it_creates_a_member_with_derived_birth_date_and_gender_and_audits_masked(world):
    actor = world.user("community_worker")
    member = services.member_create(actor=actor, organization=world.b1, data=member_data())
    assert member.birth_date == dt.date(1960, 4, 5) and member.gender == "M"
    assert member.name_initials == "zxm"
    assert Membership.objects.filter(member=member, until__isnull=True, organization=world.b1).count() == 1
    event = AuditEvent.objects.filter(event_type=EventType.CREATE, object_id=str(member.pk)).get()
    assert member.id_number not in str(event.data) and "13812345678" not in str(event.data)
    assert "138****5678" in str(event.data)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"id_number": "320102196004051234"}, "id_number"),  # wrong check digit
        ({"birth_date": dt.date(1961, 1, 1)}, "birth_date"),  # disagrees with the ID number
        ({"phone": "12345"}, "phone"),
        ({"category": "in_service", "employer": ""}, "employer"),
        ({"status": "probationary"}, "confirmed_on"),  # probationary with a confirmation date
        ({"joined_on": dt.date(1970, 1, 1), "confirmed_on": None}, "joined_on"),  # joined at 9
    ],
)
def test_it_refuses_bad_input_naming_the_field_and_changes_nothing(world, overrides, field):
    before = Member.objects.count()
    with pytest.raises(ValidationError) as info:
        services.member_create(actor=world.user("community_worker"), organization=world.b1, data=member_data(**overrides))
    assert field in info.value.message_dict
    assert Member.objects.count() == before


@pytest.mark.django_db
def test_it_refuses_a_duplicate_id_number(world):
    existing = world.members["m1"]
    with pytest.raises(ValidationError) as info:
        services.member_create(actor=None, organization=world.b2, data=member_data(id_number=existing.id_number))
    assert "id_number" in info.value.message_dict


@pytest.mark.django_db
def test_it_refuses_a_stale_edit_without_overwriting(world):
    member = world.members["m1"]
    first = services.member_update(actor=None, member=member, data={"address": "北京东路1号"}, version=member.version)
    with pytest.raises(services.StaleVersion):
        services.member_update(actor=None, member=member, data={"address": "北京东路2号"}, version=member.version)
    fresh = Member.objects.get(pk=member.pk)
    assert fresh.address == "北京东路1号" and fresh.version == first.version == member.version + 1
    assert list(fresh.history.values_list("address", flat=True)) == ["北京东路1号", ""]  # creation + the one edit


@pytest.mark.django_db
def test_it_keeps_membership_periods_through_internal_transfer_and_transfer_out(world):
    member = world.members["m1"]
    day = dt.date(2024, 3, 1)
    services.transfer_internal(actor=None, member=member, to_org=world.b2, date=day, version=member.version)
    member.refresh_from_db()
    periods = list(Membership.objects.filter(member=member).order_by("since").values_list("organization_id", "until"))
    assert periods == [(world.b1.pk, day - dt.timedelta(days=1)), (world.b2.pk, None)]
    assert set(Membership.objects.filter(members_on(day - dt.timedelta(days=1))).filter(member=member).values_list("organization", flat=True)) == {world.b1.pk}
    services.transfer_out(actor=None, member=member, date=dt.date(2025, 1, 10), counterpart="上海市某党委", version=member.version)
    member.refresh_from_db()
    assert member.left_on == dt.date(2025, 1, 10) and not member.is_current
    assert not Membership.objects.filter(member=member, until__isnull=True).exists()
    with pytest.raises(ValidationError):
        services.transfer_out(actor=None, member=member, date=dt.date(2025, 2, 1), counterpart="x", version=member.version)


@pytest.mark.django_db
def test_it_limits_kept_membership_abroad(world):
    member = world.members["m2"]
    stay = services.abroad_stay_create(actor=None, member=member, destination="加拿大", left_on=dt.date(2022, 5, 1))
    assert stay.kept_until == dt.date(2027, 5, 1)
    with pytest.raises(ValidationError) as info:
        services.abroad_stay_create(actor=None, member=member, destination="加拿大", left_on=dt.date(2022, 5, 1), kept_until=dt.date(2028, 1, 1))
    assert "kept_until" in info.value.message_dict
