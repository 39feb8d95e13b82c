"""Hypothesis-generated bad input for a member edit (security.md: input checked at every interface),
through both interfaces that edit a member: the web form and the API. One field at a time is made bad;
the form is shown again with the error on that field, the API answers 400 naming that field, and the
record (and the audit trail) stays exactly as it was."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangjian.audit.models import AuditEvent
from dangjian.lib import idcard, phone
from dangjian.members.models import Education, Member, MemberCategory, MemberStatus

# Text a browser or client can send (no lone surrogates: they cannot be encoded at all).
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


def _accepted(parse: Any, value: str) -> bool:
    try:
        parse(value)
    except ValueError:
        return False
    return True


def _not_a_choice(choices: Any) -> st.SearchStrategy[str]:
    return TEXT.filter(lambda v: v not in choices.values and v.strip() not in choices.values)


def _bad_values(birth_date: dt.date, joined_on: dt.date) -> dict[str, st.SearchStrategy[Any]]:
    today = timezone.localdate()
    not_a_date = TEXT.filter(lambda v: v.strip() and not any(c.isdigit() for c in v))
    future = st.dates(min_value=today + dt.timedelta(days=1), max_value=dt.date(2200, 12, 31))
    return {
        "name": st.one_of(st.text(" \t", max_size=3), st.text("张王李赵", min_size=51, max_size=60)),
        "id_number": TEXT.filter(lambda v: not _accepted(idcard.parse, v.strip())),
        "phone": TEXT.filter(lambda v: v.strip() and not _accepted(phone.parse, v.strip())),
        "education": _not_a_choice(Education),
        "category": _not_a_choice(MemberCategory),
        "status": _not_a_choice(MemberStatus),
        # in the future, before the 18th birthday, or not a date at all
        "joined_on": st.one_of(
            future.map(str),
            st.dates(
                min_value=dt.date(1900, 1, 1), max_value=birth_date.replace(year=birth_date.year + 17)
            ).map(str),
            not_a_date,
        ),
        "confirmed_on": st.one_of(
            future.map(str),
            st.dates(min_value=dt.date(1900, 1, 1), max_value=joined_on - dt.timedelta(days=1)).map(str),
            not_a_date,
        ),
        "lost_contact_since": st.one_of(future.map(str), not_a_date),
    }


def _snapshot(member: Member) -> dict[str, Any]:
    fields = [f.attname for f in Member._meta.concrete_fields]
    return Member.objects.filter(pk=member.pk).values(*fields).get()


@pytest.mark.django_db
def test_it_refuses_a_bad_field_in_the_form_and_the_api_and_changes_nothing(world, client_for) -> None:  # noqa: ANN001
    member = world.members["m3"]
    client = client_for(world.user("community_worker"))
    form = {
        "name": member.name,
        "id_number": member.id_number,
        "ethnicity": "汉族",
        "education": "college",
        "phone": "13900001111",
        "category": "resident",
        "employer": "",
        "status": "full",
        "joined_on": member.joined_on.isoformat(),
        "confirmed_on": member.confirmed_on.isoformat(),
        "version": member.version,
    }
    before, events = _snapshot(member), AuditEvent.objects.count()
    bad = _bad_values(member.birth_date, member.joined_on)

    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
    )
    @given(st.sampled_from(sorted(bad)).flatmap(lambda field: st.tuples(st.just(field), bad[field])))
    def check(change: tuple[str, Any]) -> None:
        field, value = change
        page = client.post(f"/members/{member.pk}/edit/", form | {field: value})
        assert page.status_code == 200, (field, value)  # shown again, not saved (a save redirects)
        assert field in page.context["form"].errors, (field, value, page.context["form"].errors)

        api = client.patch(
            f"/api/members/{member.pk}/",
            {field: value, "version": member.version},
            content_type="application/json",
        )
        assert api.status_code == 400, (field, value, api.content)
        assert field in api.json(), (field, value, api.json())
        assert all(isinstance(m, str) and m for m in api.json()[field])

        assert _snapshot(member) == before
        assert AuditEvent.objects.count() == events

    check()


@pytest.mark.django_db
def test_it_refuses_a_version_that_is_not_a_number_as_stale(world, client_for) -> None:  # noqa: ANN001
    """Found while writing the test above: the edit page turned `version=abc` (or "²") into a 500."""
    member = world.members["m3"]
    client = client_for(world.user("community_worker"))
    form = {
        "name": "改名",
        "id_number": member.id_number,
        "ethnicity": "汉族",
        "education": "college",
        "category": "resident",
        "status": "full",
        "joined_on": member.joined_on.isoformat(),
    }
    before = _snapshot(member)
    for version in ("abc", "²", "-1", ""):
        page = client.post(f"/members/{member.pk}/edit/", form | {"version": version})
        assert page.status_code == 200 and "已被他人修改" in page.content.decode(), version
        api = client.patch(
            f"/api/members/{member.pk}/",
            {"name": "改名", "version": version},
            content_type="application/json",
        )
        if version == "-1":  # a number, just not the one read: the API's 409
            assert api.status_code == 409 and "已被他人修改" in api.json()["detail"]
        else:
            assert api.status_code == 400 and "version" in api.json(), version
    assert _snapshot(member) == before
