"""Numbers typed into a link or a form by hand, or by a crafted request: "²" (a digit to str.isdigit(),
not to int()), "٣" (an Arabic-Indic digit int() reads as 3), words, a year past 9999, ids past any
column. Every page of the site, read and posted, answers them with a page or a refusal, never a
server error, and a garbled form changes nothing."""

from __future__ import annotations

import pytest

from dangjian.core.params import MAX_ID, int_list, int_param, version_param, year_param
from dangjian.members.models import Member
from dangjian.test import fill_route, site_routes

GARBLED = ["²", "٣", "abc", "-1", "1e3", "99999", str(2**70), " 12 ", ""]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12", 12), (" 12 ", 12), ("²", None), ("٣", None), ("abc", None), ("-1", None), ("", None),
     (None, None), (str(2**70), MAX_ID), (7, 7)],
)
def test_int_param_reads_only_ascii_whole_numbers(raw, expected):  # noqa: ANN001
    assert int_param(raw) == expected


def test_lists_versions_and_years_drop_what_is_not_a_number():
    assert int_list(["3", "²", "x", "5"]) == [3, 5]
    assert version_param("²") == 0  # versions start at 1: a garbled one is stale, not a crash
    assert year_param("2024", 2026) == 2024
    assert year_param("99999", 2026) == 2026
    assert year_param("1900", 2026) == 2026
    assert year_param("2027", 2026) == 2027


QUERY = {k: "²" for k in ("org", "year", "min", "page", "month", "member", "kind", "round", "status")}
FORM = {
    "version": "²", "year": "99999", "org": "²", "organization": "²", "member": "٣", "activity": "²",
    "remove": "²", "attended": ["²", "abc"], "expected": ["²"], "grade_²": "优秀", "months": ["²"],
    "amount": "²", "date": "2024-١-01",
}
SKIP_POST = ("logout", "accounts/logout", "i18n/")


@pytest.mark.django_db
def test_no_page_fails_on_garbled_numbers(world, client_for):  # noqa: ANN001
    client = client_for(world.user("street_staff"))
    routes = site_routes()
    assert len(routes) > 60  # the sweep really reaches the site's pages
    member = world.members["m1"]
    before = Member.objects.get(pk=member.pk)
    checked = 0
    for route in routes:
        for pk in (world.b1.pk, member.pk):
            url = fill_route(route, pk)
            if url is None:
                continue
            for value in GARBLED:
                response = client.get(url, {k: value for k in QUERY})
                assert response.status_code < 500, (url, value, response.status_code)
            if not any(s in url for s in SKIP_POST):
                response = client.post(url, FORM)
                assert response.status_code < 500, ("POST", url, response.status_code)
            checked += 1
    assert checked > 100
    after = Member.objects.get(pk=member.pk)
    assert (after.version, after.name, after.organization_id) == (before.version, before.name, before.organization_id)


def test_id_numbers_accept_full_width_digits_and_refuse_other_scripts():
    import datetime as dt

    from dangjian.lib import idcard
    from dangjian.test import make_id_number

    valid = make_id_number(dt.date(1990, 3, 7))
    full_width = valid.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789X"})  # as an IME types it
    assert idcard.parse(full_width).value == valid
    with pytest.raises(idcard.IdNumberError, match="前17位应为数字"):
        idcard.parse(valid[:14] + "٣" + valid[15:])  # an Arabic-Indic three: not a digit of an ID number
