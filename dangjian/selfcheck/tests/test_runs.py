"""Runs: stored findings, what is new and what was fixed since the previous run, local settings, the
command's formats, and a run scoped to a branch that never reads another branch's records."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from dangjian.audit.models import AuditEvent, EventType
from dangjian.life.models import ActivityKind, Talk
from dangjian.members.models import AbroadStay, Member
from dangjian.selfcheck import engine, services
from dangjian.selfcheck.models import Run, RunFinding, RunStatus
from dangjian.selfcheck.tests.helpers import activity, committee
from dangjian.test import MemberFactory

pytestmark = pytest.mark.django_db
START, END = dt.date(2024, 1, 1), dt.date(2024, 12, 31)


def run(world, root=None, rules=None):  # noqa: ANN001, ANN201
    r = services.run_create(
        actor=world.user("street_staff"),
        organization=root or world.street,
        period_start=START,
        period_end=END,
        rules=rules,
    )
    return services.run_execute(r.pk)


def test_it_stores_the_findings_of_a_run_with_counts_and_timings(world):  # noqa: ANN001
    r = run(world)
    assert r.status == RunStatus.DONE and r.progress == 100 and r.finished_at
    stored = list(RunFinding.objects.filter(run=r))
    assert r.total == len(stored) > 0
    assert r.errors + r.warnings == r.total
    assert set(r.timings) == {x.code for x in engine.enabled_rules()}
    assert {f.rule for f in stored} >= {"ORG-001", "ORG-006", "LIFE-001"}
    assert AuditEvent.objects.filter(event_type=EventType.CREATE, object_type="selfcheck.Run").count() == 1


def test_it_shows_what_is_new_and_what_was_fixed_since_the_previous_run(world):  # noqa: ANN001
    first = run(world, rules=["ORG-001", "MEM-003"])
    assert first.previous_id is None and first.new_count == first.total == 3
    AbroadStay.objects.create(
        member=world.members["m3"],
        destination="美国",
        left_on=dt.date(2018, 1, 1),
        kept_until=dt.date(2023, 1, 1),
    )
    MemberFactory(organization=world.b2)
    MemberFactory(organization=world.b2)  # B2 now has 3 full members: fixed
    second = run(world, rules=["ORG-001", "MEM-003"])
    assert second.previous_id == first.pk
    assert (second.total, second.new_count, second.fixed_count) == (3, 1, 1)
    new = RunFinding.objects.get(run=second, is_new=True)
    assert new.rule == "MEM-003"
    from dangjian.selfcheck.selectors import fixed_findings

    assert [f.organization_id for f in fixed_findings(second, world.user("street_staff"))] == [world.b2.pk]


def test_it_compares_only_with_runs_of_the_same_scope_and_period(world):  # noqa: ANN001
    run(world, rules=["ORG-001"])
    other = services.run_execute(
        services.run_create(
            actor=world.user("street_staff"),
            organization=world.c1,
            period_start=START,
            period_end=END,
            rules=["ORG-001"],
        ).pk
    )
    assert other.previous_id is None


def test_it_honours_disabled_rules_and_local_thresholds(world, settings):  # noqa: ANN001
    settings.DOMAIN_RULES = {
        **settings.DOMAIN_RULES,
        "selfcheck": {
            "disabled": ["ORG-006"],
            "thresholds": {"MEM-005": {"probation_months": 24}},
        },
    }
    MemberFactory(
        organization=world.b1, status="probationary", joined_on=dt.date(2023, 6, 1), confirmed_on=None
    )
    assert "ORG-006" not in {r.code for r in engine.enabled_rules()}
    r = run(world)
    assert not RunFinding.objects.filter(run=r, rule__in=["ORG-006", "MEM-005"]).exists()
    assert "ORG-006" not in r.timings


def test_it_refuses_unknown_rules_and_bad_periods(world):  # noqa: ANN001
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.run_create(
            actor=world.user("street_staff"),
            organization=world.street,
            period_start=END,
            period_end=START,
            rules=["NOPE-1"],
        )
    assert exc.value.message_dict == {
        "period_end": ["截止日期不能早于起始日期"],
        "rules": ["未知的规则编号：NOPE-1"],
    }
    assert not Run.objects.exists()


def test_it_reports_a_failing_rule_and_keeps_the_others(world, monkeypatch):  # noqa: ANN001
    rule = engine.load_rules()["MEM-002"]

    def boom(ctx):  # noqa: ANN001, ANN202
        raise RuntimeError("坏了")

    monkeypatch.setitem(engine.REGISTRY, "MEM-002", engine.Rule(**{**rule.__dict__, "check": boom}))
    r = run(world, rules=["MEM-002", "ORG-001"])
    assert r.status == RunStatus.DONE and r.total == 3
    assert r.notes == ["规则MEM-002执行出错，结果不完整：RuntimeError: 坏了"]


def test_it_runs_from_the_command_in_every_format(world, tmp_path):  # noqa: ANN001
    out = io.StringIO()
    call_command(
        "selfcheck",
        "--org",
        "C1",
        "--from",
        "2024-01-01",
        "--to",
        "2024-12-31",
        "--rules",
        "ORG-001",
        stdout=out,
    )
    text = out.getvalue()
    assert "【第一党支部】1个问题" in text and "【第二党支部】1个问题" in text and "唱经楼" not in text
    out = io.StringIO()
    call_command(
        "selfcheck",
        "--org",
        "S",
        "--from",
        "2024-01-01",
        "--to",
        "2024-12-31",
        "--rules",
        "ORG-001",
        "--format",
        "json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["total"] == 3 and {f["organization"]["code"] for f in data["findings"]} == {"B1", "B2", "B3"}
    xlsx = tmp_path / "out.xlsx"
    call_command(
        "selfcheck",
        "--org",
        "S",
        "--from",
        "2024-01-01",
        "--to",
        "2024-12-31",
        "--rules",
        "ORG-001",
        "--format",
        "xlsx",
        "--out",
        str(xlsx),
        stderr=io.StringIO(),
    )
    rows = list(load_workbook(xlsx).active.iter_rows(values_only=True))
    assert rows[1][:3] == ("序号", "党组织", "规则编号") and len([r for r in rows if r[2] == "ORG-001"]) == 3
    docx = tmp_path / "out.docx"
    call_command(
        "selfcheck",
        "--org",
        "S",
        "--rules",
        "ORG-001",
        "--format",
        "docx",
        "--out",
        str(docx),
        stderr=io.StringIO(),
    )
    from dangjian.core.documents import read_paragraphs

    paragraphs = [t for _, t in read_paragraphs(docx.read_bytes())]
    assert any("自查体检报告" in p for p in paragraphs) and any("第一党支部" in p for p in paragraphs)
    assert AuditEvent.objects.filter(event_type=EventType.EXPORT).count() == 2


def test_it_refuses_bad_command_arguments(world):  # noqa: ANN001
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="找不到代码为X的党组织"):
        call_command("selfcheck", "--org", "X")
    with pytest.raises(CommandError, match="需要 --out"):
        call_command("selfcheck", "--format", "xlsx")
    with pytest.raises(CommandError, match="--from应为日期"):
        call_command("selfcheck", "--from", "2024-13-01")


def populate_every_branch(world):  # noqa: ANN001, ANN201
    """Records of every kind in every branch, so a leak would show."""
    text = (
        "会议学习了党的二十大精神，讨论了社区老旧小区改造和加装电梯工作，与会党员踊跃发言，为深圳建设做出贡献。"
        * 3
    )
    for branch, key in ((world.b1, "m1"), (world.b2, "m3"), (world.b3, "m4")):
        m = world.members[key]
        committee(branch, m, elected=dt.date(2019, 1, 1))
        Member.objects.filter(pk=m.pk).update(lost_contact_since=dt.date(2023, 1, 1))
        activity(branch, ActivityKind.LIFE_MEETING, dt.date(2024, 12, 1), text, [m])
        activity(branch, ActivityKind.LECTURE, dt.date(2024, 11, 1), text, [m])
        other = MemberFactory(organization=branch)
        Talk.objects.create(
            organization=branch, participant_a=m, participant_b=other, date=dt.date(2024, 3, 1), summary=text
        )


def test_it_never_reads_another_branchs_records_in_a_branch_run(world):  # noqa: ANN001
    populate_every_branch(world)
    run(world, root=world.b1)  # first run: the text index of B1 is built
    b1 = world.b1
    subtree_ids = {b1.pk, world.g1.pk}
    r = services.run_create(
        actor=world.user("street_staff"), organization=b1, period_start=START, period_end=END
    )
    with CaptureQueriesContext(connection) as captured:
        services.run_execute(r.pk)
    findings = list(RunFinding.objects.filter(run=r))
    assert findings and {f.organization_id for f in findings} <= subtree_ids
    assert {f.rule for f in findings} >= {"ORG-004", "MEM-001", "TEXT-001", "TEXT-002", "LIFE-011"}
    other_paths = [world.b2.path, world.b3.path, world.c2.path]
    reads = [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert reads
    allowed = {
        "org": subtree_ids | set(b1.ancestor_ids()),
        "member": set(
            Member.objects.filter(organization__path__startswith=b1.path).values_list("pk", flat=True)
        ),
    }
    for sql in reads:
        assert not any(p in sql for p in other_paths), sql
        if b1.path in sql or '"selfcheck_run"' in sql.split("WHERE")[0]:
            continue
        # Otherwise a follow-up by the ids that earlier scoped queries returned: organizations of the
        # subtree (and its ancestors) or members of the branch; never a read of a whole table.
        checked = 0
        for table, column, values, single in re.findall(
            r'"(\w+)"\."(\w+)" (?:IN \(([\d, ]+)\)|= (\d+))', sql
        ):
            kind = (
                "member"
                if column == "member_id" or (table == "members_member" and column == "id")
                else "org"
                if column == "organization_id" or (table == "orgs_organization" and column == "id")
                else None
            )
            if kind is None:
                continue
            ids = {int(v) for v in re.findall(r"\d+", values or single)}
            assert ids <= allowed[kind], (sql, ids - allowed[kind])
            checked += 1
        assert checked, sql


def test_it_keeps_the_same_findings_for_a_branch_as_the_street_run_has_for_it(world):  # noqa: ANN001
    populate_every_branch(world)
    street = run(world)
    branch = run(world, root=world.b1)
    rules = {"ORG-004", "MEM-001", "LIFE-011", "TEXT-002", "LIFE-001"}

    def prints(r):  # noqa: ANN001, ANN202
        return {
            (f.rule, f.message)
            for f in RunFinding.objects.filter(run=r, rule__in=rules)
            if f.organization_id in (world.b1.pk, world.g1.pk)
        }

    assert prints(street) == prints(branch) and prints(branch)
