"""Concurrent writers (security.md; issue 10 §7): several threads writing at once, each with its own
database connection, on SQLite (WAL, BEGIN IMMEDIATE, busy timeout) and PostgreSQL (row locks).
Every write is either saved or refused with StaleVersion; nothing is lost; never "database is locked"."""

from __future__ import annotations

import datetime as dt
import random
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from dangjian.audit.models import AuditEvent
from dangjian.audit.services import audit_verify
from dangjian.members import services
from dangjian.members.models import Member, Membership
from dangjian.test import build_world, make_id_number

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 8


def run_at_once(work: Callable[[int], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run work(0..THREADS-1) in threads released together; returns results and unexpected errors."""
    barrier = threading.Barrier(THREADS)
    results: list[Any] = [None] * THREADS
    errors: list[BaseException] = []

    def target(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except BaseException as exc:  # noqa: BLE001  (collected and asserted on below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a writer hung"
    return results, errors


def test_it_saves_one_of_several_edits_of_the_same_version_and_refuses_the_rest():
    world = build_world()
    worker = world.user("community_worker")
    member = world.members["m1"]
    audit_before = AuditEvent.objects.count()

    def edit(i: int) -> str:
        mine = Member.objects.get(pk=member.pk)  # each user read version 1 on their own screen
        try:
            services.member_update(actor=worker, member=mine, data={"remarks": f"编辑{i}"}, version=1)
        except services.StaleVersion as exc:
            assert "已被他人修改" in exc.messages[0]
            return "refused"
        return "saved"

    results, errors = run_at_once(edit)
    assert errors == []
    assert sorted(results) == ["refused"] * (THREADS - 1) + ["saved"]
    fresh = Member.objects.get(pk=member.pk)
    assert fresh.version == 2 and fresh.remarks.startswith("编辑")
    assert AuditEvent.objects.count() == audit_before + 1
    assert member.history.count() == 2
    assert audit_verify() == []


def test_it_loses_nothing_when_every_writer_retries_after_a_refusal():
    """Each of 8 users adds their own line to the same record, re-reading after each refusal:
    in the end every line is there."""
    world = build_world()
    worker = world.user("community_worker")
    member = world.members["m2"]

    def add_line(i: int) -> int:
        attempts = 0
        rng = random.Random(i)  # noqa: S311
        while True:
            attempts += 1
            current = Member.objects.get(pk=member.pk)
            lines = [line for line in current.remarks.split("\n") if line]
            try:
                services.member_update(actor=worker, member=current, data={"remarks": "\n".join([*lines, f"第{i}条"])},
                                       version=current.version)
                return attempts
            except services.StaleVersion:
                threading.Event().wait(rng.random() / 50)
            assert attempts < 200

    results, errors = run_at_once(add_line)
    assert errors == []
    fresh = Member.objects.get(pk=member.pk)
    assert sorted(fresh.remarks.split("\n")) == sorted(f"第{i}条" for i in range(THREADS))
    assert fresh.version == 1 + THREADS
    assert audit_verify() == []


def test_it_creates_members_from_many_writers_at_once():
    world = build_world()
    worker = world.user("community_worker")
    before = Member.objects.count()
    id_numbers = [make_id_number(dt.date(1950 + i, 1 + i, 1 + i), "M") for i in range(THREADS)]
    assert len(set(id_numbers)) == THREADS

    def create(i: int) -> int:
        member = services.member_create(actor=worker, organization=world.b1, data={
            "name": f"并发党员{i}", "id_number": id_numbers[i], "education": "high_school", "category": "resident",
            "status": "full", "joined_on": dt.date(1980, 7, 1), "confirmed_on": dt.date(1981, 7, 1),
            "phone": f"1390000{i:04d}",
        })
        return member.pk

    results, errors = run_at_once(create)
    assert errors == []
    assert len(set(results)) == THREADS
    assert Member.objects.count() == before + THREADS
    assert Membership.objects.filter(member_id__in=results).count() == THREADS
    assert set(Member.objects.filter(pk__in=results).values_list("name", flat=True)) == {f"并发党员{i}" for i in range(THREADS)}
    assert audit_verify() == []


def test_it_configures_sqlite_for_concurrent_writers(monkeypatch, tmp_path):
    """Whatever database this run uses: the SQLite configuration has WAL, BEGIN IMMEDIATE and a 20 s
    busy timeout; on a live SQLite database the journal really is in WAL mode."""
    import importlib

    import dangjian.settings as project_settings

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    options = importlib.reload(project_settings).DATABASES["default"]["OPTIONS"]
    monkeypatch.undo()
    importlib.reload(project_settings)
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 20
    assert "journal_mode=WAL" in options["init_command"]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
