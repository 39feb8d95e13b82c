"""Writes of the self-check: starting a run, executing it (rules → stored findings, compared with the
previous run of the same scope and period), and sending a finding to the rectification ledger."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.accounts.roles import READ, WRITE, Domain, Role
from dangjian.audit.models import EventType
from dangjian.audit.services import audit_record
from dangjian.core.rules import Severity
from dangjian.core.scope import org_in_scope
from dangjian.jobs.runner import Cancelled, backend
from dangjian.jobs.runner import cancel as cancel_job
from dangjian.orgs.models import Organization
from dangjian.selfcheck import engine
from dangjian.selfcheck.models import Run, RunFinding, RunStatus

log = logging.getLogger(__name__)

MAX_PERIOD_DAYS = 366 * 10
ACTIVE = (RunStatus.PENDING, RunStatus.RUNNING)


def may_run(user: Any, organization: Organization) -> bool:
    """Anyone who may read the records of the organization (not the member self-service role)."""
    return (
        getattr(user, "is_authenticated", False)
        and user.role != Role.MEMBER
        and org_in_scope(user, organization, Domain.RECORDS, READ)
    )


def may_send(user: Any, organization: Organization) -> bool:
    """Filing a finding in the rectification ledger: the inspection app's permission."""
    return org_in_scope(user, organization, Domain.FINDINGS, WRITE)


def check_period(start: dt.date | None, end: dt.date | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if start is None:
        errors["period_start"] = "请填写起始日期"
    if end is None:
        errors["period_end"] = "请填写截止日期"
    if start and end:
        if end < start:
            errors["period_end"] = "截止日期不能早于起始日期"
        elif (end - start).days > MAX_PERIOD_DAYS:
            errors["period_end"] = "检查期间不能超过10年"
    return errors


def check_request(
    actor: Any,
    organization: Organization,
    period_start: dt.date,
    period_end: dt.date,
    rules: list[str] | None,
    *,
    check_permission: bool = True,
) -> list[str]:
    """Refuse a self-check the actor may not run, or with a bad period or unknown rules; the rule
    codes, normalized. Shared by a single run and the split run of every community."""
    if check_permission and not may_run(actor, organization):
        raise PermissionDenied("您无权对该党组织进行自查")
    errors = check_period(period_start, period_end)
    codes = [c.strip().upper() for c in (rules or []) if c.strip()]
    try:
        engine.enabled_rules(codes or None)
    except ValueError as exc:
        errors["rules"] = str(exc)
    if errors:
        raise ValidationError(errors)
    return codes


@transaction.atomic
def run_create(
    *,
    actor: Any,
    organization: Organization,
    period_start: dt.date,
    period_end: dt.date,
    rules: list[str] | None = None,
    check_permission: bool = True,
) -> Run:
    """Record a run (status pending); `dangjian.selfcheck.jobs.start_run` executes it."""
    codes = check_request(
        actor, organization, period_start, period_end, rules, check_permission=check_permission
    )
    today = timezone.localdate()
    run = Run(
        organization=organization,
        period_start=period_start,
        period_end=period_end,
        as_of=min(period_end, today),
        rules=sorted(set(codes)),
        created_by=actor if getattr(actor, "pk", None) else None,
        message="等待开始",
    )
    run.full_clean()
    run.save()
    audit_record(
        actor=actor,
        event_type=EventType.CREATE,
        subject=run,
        organization=organization,
        data={"new": {"period": [period_start, period_end], "rules": run.rules}},
        actor_name="" if getattr(actor, "pk", None) else "命令行",
    )
    return run


def _progress(run_id: int, percent: int, message: str) -> None:
    Run.objects.filter(pk=run_id).update(
        progress=max(0, min(100, percent)), message=message[:200], heartbeat_at=timezone.now()
    )


def previous_run(run: Run) -> Run | None:
    """The last finished run of the same organization and period before this one."""
    return (
        Run.objects.finished()
        .filter(organization_id=run.organization_id, period_start=run.period_start, period_end=run.period_end)
        .exclude(pk=run.pk)
        .filter(created_at__lte=run.created_at)
        .order_by("-created_at", "-pk")
        .first()
    )


def run_execute(run_id: int, *, checkpoint: Callable[[int, str], None] | None = None) -> Run:
    """Run the rules of a pending run and store its findings. Progress is saved on the Run row as
    each rule starts, so a page can poll it; a failing rule is reported in the run's notes.
    `checkpoint(percent, message)` is called at the same moments (the job runner's progress: it raises
    Cancelled when the run's job was cancelled, and the run then ends as cancelled)."""
    claimed = Run.objects.filter(pk=run_id, status=RunStatus.PENDING).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now(), message="开始检查"
    )
    run = Run.objects.select_related("organization").get(pk=run_id)
    if not claimed:
        return run
    try:

        def progress(index: int, count: int, r: engine.Rule) -> None:
            percent = int(90 * index / max(count, 1))
            message = f"正在检查：{r.code} {r.title}（{index + 1}/{count}）"
            _progress(run_id, percent, message)
            if checkpoint is not None:
                checkpoint(percent, message)

        outcomes, ctx = engine.run_rules(
            run.organization,
            run.period_start,
            run.period_end,
            timezone.localdate(),
            run.rules or None,
            progress,
        )
        _progress(run_id, 92, "正在保存检查结果")
        if checkpoint is not None:
            checkpoint(92, "正在保存检查结果")
        _store(run, outcomes, ctx)
    except Cancelled:
        _end(run_id, RunStatus.CANCELLED, "检查已取消")
        raise
    except Exception as exc:
        log.exception("self-check run %s failed", run_id)
        _end(run_id, RunStatus.FAILED, f"检查失败：{type(exc).__name__}")
        raise
    return Run.objects.get(pk=run_id)


def _end(run_id: int, status: str, message: str, *, only: tuple[str, ...] = ACTIVE) -> bool:
    """Finish a run that has not finished yet (compare-and-set: a run that ended meanwhile is kept)."""
    return bool(
        Run.objects.filter(pk=run_id, status__in=only).update(
            status=status, finished_at=timezone.now(), message=message[:200]
        )
    )


@transaction.atomic
def run_cancel(*, actor: Any, run: Run) -> Run:
    """Stop a run: one still queued ends now and never starts; one under way stops at its next rule."""
    if not may_run(actor, run.organization):
        raise PermissionDenied
    if not run.is_active:
        raise ValidationError("该检查已结束，无需取消")
    if run.job_id is not None:
        cancel_job(run.job)
    if not _end(run.pk, RunStatus.CANCELLED, "检查已取消", only=(RunStatus.PENDING,)):
        Run.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(message="正在取消，当前规则完成后停止")
    audit_record(
        actor=actor,
        event_type=EventType.UPDATE,
        subject=run,
        organization=run.organization,
        data={"old": {"status": run.status}, "new": {"cancel_requested": True}},
    )
    return Run.objects.get(pk=run.pk)


def stale_minutes() -> int:
    return int(engine.config().get("stale_minutes", 15))


def run_reap_if_stale(run: Run) -> Run:
    """A run that has given no sign of life for `stale_minutes` (its process restarted mid-run: a
    thread dies with its web process, a worker may be killed) is ended as interrupted, so its page
    stops polling and offers to start it again. A run queued on the in-process pool is lost with its
    process too; one queued on Celery waits in the broker and is left alone."""
    cutoff = timezone.now() - dt.timedelta(minutes=stale_minutes())
    message = f"检查中断：超过{stale_minutes()}分钟没有进展（可能因服务重启），请重新发起检查"
    stale = run.status == RunStatus.RUNNING and (run.heartbeat_at or run.created_at) < cutoff
    lost = run.status == RunStatus.PENDING and backend() == "thread" and run.created_at < cutoff
    if (stale or lost) and _end(run.pk, RunStatus.FAILED, message, only=(run.status,)):
        log.warning("self-check run %s interrupted: no progress since %s", run.pk, run.heartbeat_at)
        run.refresh_from_db()
    return run


@transaction.atomic
def _store(run: Run, outcomes: list[engine.RuleOutcome], ctx: engine.Context) -> None:
    prev = previous_run(run)
    prev_findings: dict[str, str] = {}
    prev_rules: set[str] = set()
    if prev is not None:
        prev_findings = dict(RunFinding.objects.filter(run=prev).values_list("fingerprint", "rule"))
        prev_rules = set(prev.timings.keys())
    rows: dict[str, RunFinding] = {}
    notes = list(ctx.notes)
    for outcome in outcomes:
        if outcome.error:
            notes.append(f"规则{outcome.rule.code}执行出错，结果不完整：{outcome.error}"[:300])
        for f in outcome.findings:
            fp = f.fingerprint
            if fp in rows or f.organization_id not in ctx.orgs:
                continue
            rows[fp] = RunFinding(
                run=run,
                organization_id=f.organization_id,
                rule=f.rule,
                severity=f.severity,
                period=f.period[:60],
                message=f.message,
                links=[link.as_json() for link in f.links],
                subjects=list(f.subjects),
                data=f.data,
                fingerprint=fp,
                is_new=fp not in prev_findings,
            )
    RunFinding.objects.bulk_create(rows.values(), batch_size=500)
    ran = {o.rule.code for o in outcomes if not o.error}
    both = ran & prev_rules
    fixed = sum(1 for fp, code in prev_findings.items() if code in both and fp not in rows)
    values = list(rows.values())
    Run.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE,
        finished_at=timezone.now(),
        progress=100,
        message="检查完成",
        previous=prev,
        total=len(values),
        errors=sum(1 for v in values if v.severity == Severity.ERROR),
        warnings=sum(1 for v in values if v.severity == Severity.WARNING),
        new_count=sum(1 for v in values if v.is_new) if prev is not None else len(values),
        fixed_count=fixed,
        notes=notes,
        timings={o.rule.code: round(o.seconds, 3) for o in outcomes if not o.error},
    )


SEVERITY_TO_LEDGER = {Severity.ERROR: "serious", Severity.WARNING: "general"}


@transaction.atomic
def finding_send_to_ledger(*, actor: Any, finding: RunFinding) -> Any:
    """File a self-check finding in the rectification ledger (an inspection Finding with source
    self_check), once."""
    from dangjian.inspection.models import Finding as LedgerFinding
    from dangjian.inspection.models import FindingSource
    from dangjian.inspection.services import finding_create

    locked = (
        RunFinding.objects.select_for_update(of=("self",))
        .select_related("organization", "run")
        .get(pk=finding.pk)
    )
    if locked.ledger_finding_id:
        raise ValidationError("该问题已移交整改台账")
    if not may_send(actor, locked.organization):
        raise PermissionDenied("您无权向整改台账录入问题")
    r = engine.load_rules().get(locked.rule)
    title = (r.title if r else locked.rule)[:200]
    basis = f"依据：{r.basis}" if r else ""
    description = "\n".join(
        x
        for x in [f"{locked.period}：{locked.message}", basis, f"来源：自查体检（{locked.run.period_label}）"]
        if x
    )
    ledger = finding_create(
        actor=actor,
        organization=locked.organization,
        data={
            "source": FindingSource.SELF_CHECK,
            "aspect": f"自查体检：{r.category_label if r else '其他'}",
            "category": locked.rule,
            "title": title,
            "description": description,
            "severity": SEVERITY_TO_LEDGER.get(locked.severity, "general"),
            "found_on": timezone.localdate(),
        },
    )
    assert isinstance(ledger, LedgerFinding)
    locked.ledger_finding = ledger
    locked.sent_at = timezone.now()
    locked.sent_by = actor
    locked.save(update_fields=["ledger_finding", "sent_at", "sent_by"])
    audit_record(
        actor=actor,
        event_type=EventType.UPDATE,
        subject=locked,
        organization=locked.organization,
        data={"sent_to_ledger": ledger.pk},
    )
    return ledger
