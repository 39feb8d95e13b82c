"""Read-only reports on a read replica (dangjian/core/dbrouter.py).

Everywhere: the `replica` alias is a second connection to the test database, and the router must send
the report pages' and report jobs' reads there and everything else to the primary. In ./dev test's
PostgreSQL run, DANGJIAN_TEST_REPLICA_URL names a real streaming standby of the throwaway cluster
(pg_basebackup -R, a second postmaster on loopback): the same pages then read from the standby.
"""

from __future__ import annotations

import copy
import os
import time
from urllib.parse import unquote, urlsplit

import pytest
from django.db import DatabaseError, connections, transaction
from django.test.utils import CaptureQueriesContext

from dangjian.accounts.models import User
from dangjian.core import dbrouter
from dangjian.core.dbrouter import REPLICA, ReplicaRouter, replica_reads
from dangjian.jobs import runner
from dangjian.jobs.models import Job, JobStatus
from dangjian.members.models import Member
from dangjian.test import MemberFactory

STANDBY_URL = os.environ.get("DANGJIAN_TEST_REPLICA_URL", "")


def replica_settings(url: str) -> dict:
    """The primary's test database settings, at the standby's address when there is one."""
    conf = copy.deepcopy(connections["default"].settings_dict)
    if url:
        parts = urlsplit(url)
        conf.update(
            HOST=parts.hostname,
            PORT=parts.port,
            USER=unquote(parts.username or ""),
            PASSWORD=unquote(parts.password or ""),
        )
    conf["TEST"] = {**conf["TEST"], "MIRROR": "default"}
    return conf


WITH_REPLICA = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


@pytest.fixture(scope="module")
def replica(django_db_setup, django_db_blocker):  # noqa: ANN001, ANN201
    """Adds the `replica` alias for the rest of the module (settings add it at start-up when
    DANGJIAN_REPLICA_URL is set). Module-scoped, so that it exists before a test's database access is
    set up: that checks the aliases the test names."""
    connections.settings[REPLICA] = replica_settings(STANDBY_URL)  # the same dict as settings.DATABASES
    try:
        yield connections[REPLICA]
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


def caught_up(replica, seconds: float = 20) -> None:  # noqa: ANN001
    """Wait until a real standby has replayed everything the primary has written so far."""
    if not STANDBY_URL:
        return
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        (lsn,) = cursor.fetchone()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with replica.cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError(f"the standby did not replay {lsn} within {seconds}s")


def test_without_a_replica_the_router_has_no_opinion(monkeypatch):  # noqa: ANN001
    monkeypatch.delitem(connections.settings, REPLICA, raising=False)  # the module's alias, if added already
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Member) is None
    assert router.db_for_write(Member) == "default"


@WITH_REPLICA
def test_report_reads_go_to_the_replica_and_the_rest_to_the_primary(replica):  # noqa: ANN001
    router = ReplicaRouter()
    assert router.db_for_read(Member) is None  # outside a report
    assert (
        router.allow_migrate(REPLICA, "members") is False
        and router.allow_migrate("default", "members") is None
    )
    with replica_reads():
        assert router.db_for_read(Member) == REPLICA
        assert router.db_for_read(User) == "default"  # accounts, sessions, jobs, audit: always the primary
        assert router.db_for_read(Job) == "default"
        assert router.db_for_write(Member) == "default"
        with transaction.atomic():
            assert router.db_for_read(Member) == "default"  # a transaction reads its own writes


@WITH_REPLICA
def test_the_report_pages_read_on_the_replica_and_the_other_pages_do_not(world, client_for, replica):  # noqa: ANN001
    client = client_for(world.user("street_staff"))
    caught_up(replica)
    with CaptureQueriesContext(replica) as on_replica:
        assert client.get("/reports/").status_code == 200
        assert client.get("/reports/survey/").status_code == 200
    tables = " ".join(q["sql"] for q in on_replica.captured_queries)
    assert "members_member" in tables and "orgs_organization" in tables
    assert "django_session" not in tables and "accounts_user" not in tables
    with CaptureQueriesContext(replica) as on_replica:
        assert client.get("/members/").status_code == 200
    assert on_replica.captured_queries == []
    assert dbrouter.reading_replica() is False  # the flag ends with the request


@WITH_REPLICA
def test_report_jobs_read_on_the_replica(world, replica, settings):  # noqa: ANN001
    settings.JOBS_BACKEND = "sync"
    caught_up(replica)
    with CaptureQueriesContext(replica) as on_replica, transaction.atomic():
        job = runner.enqueue(
            "reports.survey_table",
            user=world.user("street_staff"),
            organization=world.street,
            title="统计汇总",
            params={"on": "2026-01-01"},
        )
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result == {"rows": 2, "members": 4}
    assert any("members_member" in q["sql"] for q in on_replica.captured_queries)
    assert not any("jobs_job" in q["sql"] for q in on_replica.captured_queries)


def test_the_replica_alias_keeps_the_primarys_pool_and_mirrors_the_test_database():
    default = {"CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False, "OPTIONS": {"pool": {"min_size": 2}}}
    db = dbrouter.replica_database("postgresql://u:p@10.0.0.2:5433/dangjian", default)
    assert (db["HOST"], db["PORT"], db["NAME"]) == ("10.0.0.2", 5433, "dangjian")
    assert db["OPTIONS"] == {"pool": {"min_size": 2}} and db["TEST"] == {"MIRROR": "default"}


@pytest.mark.skipif(not STANDBY_URL, reason="needs the streaming standby of ./dev test's PostgreSQL run")
@WITH_REPLICA
def test_a_real_streaming_standby_serves_the_reports(world, client_for, replica):  # noqa: ANN001
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone() == (True,)
    with pytest.raises(DatabaseError, match="read-only"), replica.cursor() as cursor:
        cursor.execute("CREATE TABLE not_on_a_standby (id int)")
    replica.close()  # the failed statement aborted its transaction
    client = client_for(world.user("street_staff"))
    caught_up(replica)
    before = client.get("/reports/survey/").content.decode()
    for _ in range(3):
        MemberFactory(organization=world.b3)
    caught_up(replica)
    assert Member.objects.using(REPLICA).count() == Member.objects.count() == 7
    with CaptureQueriesContext(replica) as on_replica:
        after = client.get("/reports/survey/").content.decode()
    assert on_replica.captured_queries and before != after
