"""After refresh_statistics the planner reads a subtree's activities of a period from its
organizations, not every organization's activities of the period (which made a street's self-check
grow with the number of other streets in the database)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from dangjian.core.planner import refresh_statistics
from dangjian.life.models import Activity, ActivityKind
from dangjian.test import OrganizationFactory


@pytest.mark.django_db
def test_a_subtrees_activities_of_a_period_are_read_through_its_organizations(world):  # noqa: ANN001
    elsewhere = [OrganizationFactory(parent=world.c2) for _ in range(40)]
    Activity.objects.bulk_create(
        Activity(organization=org, kind=ActivityKind.GENERAL_MEETING, date=dt.date(2024, 1, 1) + dt.timedelta(days=d))
        for org in elsewhere
        for d in range(0, 360, 12)
    )
    Activity.objects.create(organization=world.b1, kind=ActivityKind.GENERAL_MEETING, date=dt.date(2024, 3, 1))
    refresh_statistics()
    qs = Activity.objects.filter(
        organization__path__startswith=world.c1.path, date__gte=dt.date(2024, 1, 1), date__lte=dt.date(2024, 12, 31)
    )
    assert list(qs.values_list("organization_id", flat=True)) == [world.b1.pk]
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
            assert "orgs_organization_path" in plan and "life_activity_date" not in plan, plan
        else:
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'life_activity'")
            assert cursor.fetchone()[0] > 0  # analyzed: PostgreSQL plans with the real distribution
