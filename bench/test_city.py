"""bench/city.py: the district copied inside its own database is a set of self-contained copies.

Not under the suite's testpaths (bench/ is not the app); run it with
    .venv/bin/python -m pytest -q -p no:cacheprovider bench/test_city.py
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection

from bench import city
from dangjian.core.demo import DemoContext
from dangjian.core.management.commands.demo import build_demo
from dangjian.life.models import Activity, Attendance
from dangjian.members.models import Member, Membership
from dangjian.orgs.models import Organization

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="bench/city.py copies SQLite only")


def test_shift_path() -> None:
    assert city.shift_path("/1/23/", 1000) == "/1001/1023/"
    assert city.shift_path("", 1000) == ""


@pytest.mark.django_db
def test_three_copies_of_the_tiny_demo_are_three_self_contained_trees() -> None:
    build_demo(DemoContext(scale="tiny", seed=1, today=dt.date(2026, 6, 15), rng=random.Random(1)))
    before = {m: m.objects.count() for m in (Organization, Member, Membership, Activity, Attendance)}
    roots = Organization.objects.filter(parent__isnull=True).count()

    result = city.clone(3)

    for model, n in before.items():
        assert model.objects.count() == 3 * n, model
    assert Organization.objects.filter(parent__isnull=True).count() == 3 * roots
    orgs = {o.pk: o for o in Organization.objects.all()}
    for o in orgs.values():  # paths rebuilt from the shifted ids
        assert o.path == (orgs[o.parent_id].path if o.parent_id else "/") + f"{o.pk}/"
    assert len({o.code for o in orgs.values()}) == len(orgs)
    offset = result["offset"]
    for copy in (1, 2):  # every reference of a copy stays inside the copy
        lo, hi = copy * offset, (copy + 1) * offset
        for m in Member.objects.filter(pk__gte=lo, pk__lt=hi):
            assert lo <= m.organization_id < hi
        for a in Attendance.objects.filter(pk__gte=lo, pk__lt=hi)[:200]:
            assert lo <= a.activity_id < hi and lo <= a.member_id < hi
        members = Member.objects.filter(pk__gte=lo, pk__lt=hi)
        assert members.count() == before[Member]
        originals = {m.pk + copy * offset: m.id_number for m in Member.objects.filter(pk__lt=offset)}
        assert all(m.id_number == originals[m.pk] for m in members[:50])  # still decrypts
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_key_check")
        assert cursor.fetchall() == []
