"""The subtree lookup (`path__startswith`) is written as an index range on SQLite: it must select
exactly what the LIKE selects, and use the path index rather than scan the joined table."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.members.models import Member
from dangjian.orgs.models import Organization
from dangjian.test import OrganizationFactory


@pytest.mark.django_db
def test_it_selects_the_subtree_and_nothing_that_only_shares_digits():
    orgs = [OrganizationFactory() for _ in range(6)]
    paths = ["/1/", "/1/2/", "/1/2/30/", "/10/", "/1/20/", "/2/1/"]
    for org, path in zip(orgs, paths, strict=True):
        Organization.objects.filter(pk=org.pk).update(path=path)
    found = {o.path for o in Organization.objects.filter(path__startswith="/1/")}
    assert found == {"/1/", "/1/2/", "/1/2/30/", "/1/20/"}
    assert {o.path for o in Organization.objects.filter(path__startswith="/1/2/")} == {"/1/2/", "/1/2/30/"}
    assert set(Organization.objects.filter(path__startswith="/1").values_list("path", flat=True)) == {
        "/1/", "/1/2/", "/1/2/30/", "/10/", "/1/20/"
    }  # not a whole path: the plain LIKE


@pytest.mark.django_db
def test_a_scoped_member_query_reads_through_the_path_index(world):  # noqa: ANN001
    qs = Member.objects.filter(organization__path__startswith=world.c1.path)
    assert set(qs.values_list("name", flat=True)) == {"张建国", "李秀英", "王志强"}
    with CaptureQueriesContext(connection) as queries:
        list(qs)
    sql = queries.captured_queries[0]["sql"]
    if connection.vendor == "sqlite":
        assert "LIKE" not in sql
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "orgs_organization_path" in plan, plan  # the index on path drives the join
    else:
        assert "LIKE" in sql  # PostgreSQL: the pattern-ops index Django adds serves the LIKE
