"""Writes of the rectification ledger: rounds, findings (one by one or imported all-or-nothing), measures
and their status workflow, acceptance (销号, glossary `Rectification.close()`), look-back links, evidence.

Who may do what (roles.py):
- file and edit findings, rounds: Domain.FINDINGS write over the finding's organization
  (street staff, inspectors);
- work on measures (create, edit, status, progress, evidence): Domain.RECORDS write over the finding's
  organization (street staff, community workers, branch secretaries) — inspectors only read them;
- accept or refuse (销号): a user who holds both FINDINGS and RECORDS write (street staff) and whose
  organization is a proper ancestor of the finding's organization (a superior, never the same level).

Each service validates, changes, full_clean()s, saves and appends an audit row in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from dangjian.accounts.roles import READ, WRITE, Domain, allows
from dangjian.audit.models import EventType
from dangjian.audit.services import audit_record, diff
from dangjian.core.scope import org_in_scope
from dangjian.inspection.models import (
    AcceptanceDecision,
    Evidence,
    Finding,
    FindingSource,
    FindingStatus,
    Inspection,
    MeasureProgress,
    MeasureStatus,
    RectificationMeasure,
)
from dangjian.inspection.uploads import check_upload
from dangjian.inspection.validation import (
    FINDING_LABELS,
    clean_finding_data,
    clean_inspection_data,
    clean_measure_data,
)
from dangjian.orgs.models import Organization

S = MeasureStatus

# ---------------------------------------------------------------- the status workflow

RECTIFIER = "rectifier"  # the organization doing the work (community worker, branch secretary, street)
ACCEPTOR = "acceptor"  # the superior organization deciding on acceptance

# (from, to) -> who may make the move. Everything not listed is forbidden.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.NOT_STARTED, S.IN_PROGRESS): frozenset({RECTIFIER}),
    (S.NOT_STARTED, S.DONE): frozenset({RECTIFIER}),  # 立行立改
    (S.NOT_STARTED, S.LONG_TERM): frozenset({RECTIFIER}),
    (S.IN_PROGRESS, S.DONE): frozenset({RECTIFIER}),
    (S.IN_PROGRESS, S.LONG_TERM): frozenset({RECTIFIER}),
    (S.LONG_TERM, S.IN_PROGRESS): frozenset({RECTIFIER}),
    (S.LONG_TERM, S.DONE): frozenset({RECTIFIER}),
    (S.DONE, S.IN_PROGRESS): frozenset({RECTIFIER, ACCEPTOR}),  # withdrawn for more work / refused
    (S.DONE, S.ACCEPTED): frozenset({ACCEPTOR}),  # only through rectification_close
}


def allowed_targets(status: str, party: str = RECTIFIER) -> list[str]:
    return [to for (frm, to), who in TRANSITIONS.items() if frm == status and party in who]


class StaleVersion(ValidationError):
    def __init__(self) -> None:
        super().__init__("该记录已被他人修改，请刷新后重试（您的修改未保存）", code="stale")


# ---------------------------------------------------------------- permissions


def may_file_findings(user: Any, organization: Organization) -> bool:
    return org_in_scope(user, organization, Domain.FINDINGS, WRITE)


def may_rectify(user: Any, organization: Organization) -> bool:
    """Work on the measures of findings of `organization` (inspectors may not)."""
    return org_in_scope(user, organization, Domain.RECORDS, WRITE) and allows(
        user.role, Domain.FINDINGS, READ
    )


def may_accept(user: Any, finding: Finding) -> bool:
    """A superior: FINDINGS and RECORDS write, organization a proper ancestor of the finding's."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not (allows(user.role, Domain.FINDINGS, WRITE) and allows(user.role, Domain.RECORDS, WRITE)):
        return False
    own, target = user.organization.path, finding.organization.path
    return target.startswith(own) and target != own


def _require(ok: bool, message: str) -> None:
    """Refuse an action the role or organization does not allow (403; out-of-subtree reads are 404
    before any service is called)."""
    if not ok:
        raise PermissionDenied(message)


# ---------------------------------------------------------------- snapshots for the audit rows


def _inspection_snapshot(obj: Inspection) -> dict[str, Any]:
    return {
        "name": obj.name,
        "committee": obj.committee,
        "team": obj.team,
        "organization": obj.organization_id,
        "inspected": sorted(obj.inspected.values_list("pk", flat=True)) if obj.pk else [],
        "onsite_from": obj.onsite_from,
        "onsite_to": obj.onsite_to,
        "feedback_on": obj.feedback_on,
        "overall_work": obj.overall_work,
        "consolidation": obj.consolidation,
        "contact": obj.contact,
    }


FINDING_FIELDS = ["source", "aspect", "category", "number", "title", "description", "severity", "found_on"]
MEASURE_FIELDS = ["text", "owner_name", "owner_unit", "due"]


def _finding_snapshot(obj: Finding) -> dict[str, Any]:
    snap = {f: getattr(obj, f) for f in FINDING_FIELDS}
    snap.update(
        organization=obj.organization_id,
        inspection=obj.inspection_id,
        repeats=obj.repeats_id,
        status=obj.status,
    )
    return snap


def _measure_snapshot(obj: RectificationMeasure) -> dict[str, Any]:
    snap = {f: getattr(obj, f) for f in MEASURE_FIELDS}
    snap.update(owner_member=obj.owner_member_id, status=obj.status, number=obj.number)
    return snap


# ---------------------------------------------------------------- rounds


def _check_inspected(
    actor: Any, organization: Organization, inspected: Iterable[Organization]
) -> list[Organization]:
    orgs = list(inspected)
    if not orgs:
        raise ValidationError({"inspected": "请选择被巡察党组织"})
    for org in orgs:
        if not org_in_scope(actor, org, Domain.FINDINGS, READ):
            raise ValidationError({"inspected": f"{org.name}不在您的管辖范围内"})
        if not org.path.startswith(organization.path):
            raise ValidationError({"inspected": f"{org.name}不属于整改责任党组织{organization.name}"})
    return orgs


@transaction.atomic
def inspection_create(
    *, actor: Any, organization: Organization, inspected: Iterable[Organization], data: dict[str, Any]
) -> Inspection:
    _require(may_file_findings(actor, organization), "您无权为该党组织录入巡察")
    cleaned, errors = clean_inspection_data(data)
    if errors:
        raise ValidationError(errors)
    orgs = _check_inspected(actor, organization, inspected)
    obj = Inspection(organization=organization, created_by=actor, **_inspection_fields(cleaned))
    obj.full_clean(exclude=["inspected"])
    obj.save()
    obj.inspected.set(orgs)
    audit_record(
        actor=actor,
        event_type=EventType.CREATE,
        subject=obj,
        organization=organization,
        data={"new": _inspection_snapshot(obj)},
    )
    return obj


def _inspection_fields(cleaned: dict[str, Any]) -> dict[str, Any]:
    keys = [
        "name",
        "committee",
        "team",
        "onsite_from",
        "onsite_to",
        "feedback_on",
        "overall_work",
        "consolidation",
        "contact",
    ]
    return {k: cleaned[k] for k in keys if k in cleaned}


@transaction.atomic
def inspection_update(
    *,
    actor: Any,
    inspection: Inspection,
    data: dict[str, Any],
    inspected: Iterable[Organization] | None = None,
) -> Inspection:
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _require(may_file_findings(actor, locked.organization), "您无权修改该巡察")
    before = _inspection_snapshot(locked)
    merged = {**before, **data}
    cleaned, errors = clean_inspection_data(merged)
    if errors:
        raise ValidationError(errors)
    for key, value in _inspection_fields(cleaned).items():
        setattr(locked, key, value)
    locked.full_clean(exclude=["inspected"])
    locked.save()
    if inspected is not None:
        orgs = _check_inspected(actor, locked.organization, inspected)
        used = set(locked.findings.values_list("organization__path", flat=True))
        missing = [p for p in used if not any(p.startswith(o.path) for o in orgs)]
        if missing:
            raise ValidationError({"inspected": "已有问题的党组织不能从被巡察党组织中移除"})
        locked.inspected.set(orgs)
    audit_record(
        actor=actor,
        event_type=EventType.UPDATE,
        subject=locked,
        organization=locked.organization,
        data={"changes": diff(before, _inspection_snapshot(locked))},
    )
    return locked


# ---------------------------------------------------------------- findings


def _check_finding_org(actor: Any, organization: Organization, inspection: Inspection | None) -> None:
    _require(may_file_findings(actor, organization), "您无权为该党组织录入问题")
    if inspection is not None:
        paths = list(inspection.inspected.values_list("path", flat=True))
        if not any(organization.path.startswith(p) for p in paths):
            raise ValidationError(
                {"organization": f"{organization.name}不是本轮巡察的被巡察党组织（或其下级）"}
            )


def _next_number(inspection: Inspection | None) -> int:
    if inspection is None:
        return 1
    last = Finding.objects.filter(inspection=inspection).aggregate(m=Max("number"))["m"]
    return (last or 0) + 1


def _build_finding(
    actor: Any, organization: Organization, inspection: Inspection | None, cleaned: dict[str, Any]
) -> Finding:
    source = cleaned.get("source") or FindingSource.INSPECTION
    if inspection is None and source == FindingSource.INSPECTION:
        raise ValidationError({"source": "巡察反馈的问题须属于某一轮巡察"})
    return Finding(
        inspection=inspection,
        organization=organization,
        created_by=actor,
        **{f: cleaned[f] for f in FINDING_FIELDS if f in cleaned},
    )


@transaction.atomic
def finding_create(
    *, actor: Any, organization: Organization, data: dict[str, Any], inspection: Inspection | None = None
) -> Finding:
    _check_finding_org(actor, organization, inspection)
    if inspection is not None and inspection.feedback_on and not data.get("found_on"):
        data = {**data, "found_on": inspection.feedback_on}  # a round's problems date from its feedback
    cleaned, errors = clean_finding_data(data, today=timezone.localdate())
    if errors:
        raise ValidationError(errors)
    if inspection is not None:
        Inspection.objects.select_for_update().filter(pk=inspection.pk).first()  # serialize numbering
    if cleaned["number"] is None:
        cleaned["number"] = _next_number(inspection)
    elif (
        inspection is not None
        and Finding.objects.filter(inspection=inspection, number=cleaned["number"]).exists()
    ):
        raise ValidationError({"number": f"本轮巡察已有问题{cleaned['number']}"})
    finding = _build_finding(actor, organization, inspection, cleaned)
    finding.full_clean(validate_unique=False)
    finding.save()
    audit_record(
        actor=actor, event_type=EventType.CREATE, subject=finding, data={"new": _finding_snapshot(finding)}
    )
    return finding


@transaction.atomic
def finding_update(*, actor: Any, finding: Finding, data: dict[str, Any]) -> Finding:
    locked = Finding.objects.select_for_update(of=("self",)).select_related("organization").get(pk=finding.pk)
    _require(may_file_findings(actor, locked.organization), "您无权修改该问题")
    if locked.is_closed:
        raise ValidationError("该问题已销号，不能修改")
    before = _finding_snapshot(locked)
    cleaned, errors = clean_finding_data({**before, **data}, today=timezone.localdate())
    if errors:
        raise ValidationError(errors)
    if cleaned["number"] is None:
        cleaned["number"] = locked.number
    if (
        locked.inspection_id
        and cleaned["number"] != locked.number
        and Finding.objects.filter(inspection_id=locked.inspection_id, number=cleaned["number"]).exists()
    ):
        raise ValidationError({"number": f"本轮巡察已有问题{cleaned['number']}"})
    for f in FINDING_FIELDS:
        setattr(locked, f, cleaned[f])
    locked.full_clean(validate_unique=False)
    locked.save()
    audit_record(
        actor=actor,
        event_type=EventType.UPDATE,
        subject=locked,
        data={"changes": diff(before, _finding_snapshot(locked))},
    )
    return locked


IMPORT_COLUMNS = {
    # header text (as in the template and common variants) -> field
    "问题序号": "number",
    "序号": "number",
    "被巡察党组织": "organization",
    "问题所在党组织": "organization",
    "党组织": "organization",
    "问题方面": "aspect",
    "方面": "aspect",
    "问题类别": "category",
    "类别": "category",
    "问题": "title",
    "问题标题": "title",
    "问题概述": "title",
    "具体表现": "description",
    "问题描述": "description",
    "严重程度": "severity",
    "发现日期": "found_on",
}
IMPORT_TEMPLATE_HEADERS = [
    "问题序号",
    "被巡察党组织",
    "问题方面",
    "问题类别",
    "问题",
    "具体表现",
    "严重程度",
    "发现日期",
]


class ImportErrors(ValidationError):
    """Row-level errors of an import: `rows` is [(row number in the sheet, field label, message)]."""

    def __init__(self, rows: list[tuple[int, str, str]]) -> None:
        self.rows = rows
        super().__init__(
            [f"第{r}行 {label}：{msg}" if label else f"第{r}行：{msg}" for r, label, msg in rows]
        )


def parse_import(
    *, actor: Any, inspection: Inspection, rows: list[list[Any]]
) -> list[tuple[int, Organization, dict[str, Any]]]:
    """Validate every row of a findings sheet (header in the first non-empty row) without writing.
    Returns [(sheet row number, organization, cleaned data)] or raises ImportErrors listing every bad row."""
    header_at = next((i for i, row in enumerate(rows) if any(str(c).strip() for c in row)), None)
    if header_at is None:
        raise ImportErrors([(1, "", "表格为空")])
    header = [str(c).strip() for c in rows[header_at]]
    columns = {i: IMPORT_COLUMNS[h] for i, h in enumerate(header) if h in IMPORT_COLUMNS}
    missing = [
        label
        for label, key in (("问题方面", "aspect"), ("问题", "title"), ("被巡察党组织", "organization"))
        if key not in columns.values()
    ]
    if missing:
        raise ImportErrors([(header_at + 1, "", f"缺少列：{'、'.join(missing)}（第一行应为表头）")])
    inspected = list(inspection.inspected.all())
    candidates = [
        o
        for o in Organization.objects.filter(path__startswith=actor.organization.path)
        if any(o.path.startswith(i.path) for i in inspected)
    ]
    by_name: dict[str, list[Organization]] = {}
    for org in candidates:
        by_name.setdefault(org.name, []).append(org)
        by_name.setdefault(org.code, []).append(org)
    today = timezone.localdate()
    used_numbers = set(Finding.objects.filter(inspection=inspection).values_list("number", flat=True))
    next_number = max(used_numbers, default=0) + 1
    errors: list[tuple[int, str, str]] = []
    out: list[tuple[int, Organization, dict[str, Any]]] = []
    for index in range(header_at + 1, len(rows)):
        row = rows[index]
        if not any(str(c).strip() for c in row):
            continue
        line = index + 1
        data = {field: row[i] if i < len(row) else "" for i, field in columns.items()}
        org_key = str(data.pop("organization", "") or "").strip()
        matches = by_name.get(org_key, [])
        org = matches[0] if len(matches) == 1 else None
        if not org_key:
            errors.append((line, FINDING_LABELS["organization"], "不能为空"))
        elif not matches:
            errors.append(
                (line, FINDING_LABELS["organization"], f"“{org_key}”不是本轮被巡察党组织或不在您的管辖范围内")
            )
        elif len(matches) > 1:
            errors.append((line, FINDING_LABELS["organization"], f"“{org_key}”有重名，请填写组织代码"))
        if not data.get("found_on") and inspection.feedback_on:
            data["found_on"] = inspection.feedback_on
        cleaned, row_errors = clean_finding_data({**data, "source": FindingSource.INSPECTION}, today=today)
        for field, message in row_errors.items():
            errors.append((line, FINDING_LABELS.get(field, field), message))
        if not row_errors:
            if cleaned["number"] is None:
                cleaned["number"] = next_number
            if cleaned["number"] in used_numbers:
                errors.append(
                    (line, FINDING_LABELS["number"], f"问题{cleaned['number']}已存在（本表或本轮巡察中）")
                )
            used_numbers.add(cleaned["number"])
            next_number = max(next_number, cleaned["number"] + 1)
        if org is not None and not row_errors:
            out.append((line, org, cleaned))
    if errors:
        raise ImportErrors(errors)
    if not out:
        raise ImportErrors([(header_at + 2, "", "没有可导入的数据行")])
    return out


@transaction.atomic
def findings_import(*, actor: Any, inspection: Inspection, rows: list[list[Any]]) -> list[Finding]:
    """All or nothing: any bad row refuses the whole file and nothing is written."""
    _require(may_file_findings(actor, inspection.organization), "您无权为该巡察导入问题")
    Inspection.objects.select_for_update().filter(pk=inspection.pk).first()
    parsed = parse_import(actor=actor, inspection=inspection, rows=rows)
    created = []
    for _line, org, cleaned in parsed:
        # parse_import matched org among the round's inspected subtrees inside the actor's subtree
        _require(may_file_findings(actor, org), f"您无权为{org.name}录入问题")
        finding = _build_finding(actor, org, inspection, cleaned)
        finding.full_clean(validate_unique=False)
        created.append(finding)
    created = bulk_create_with_history(created, Finding, default_user=actor)
    audit_record(
        actor=actor,
        event_type=EventType.IMPORT,
        subject=inspection,
        organization=inspection.organization,
        data={"findings": len(created), "numbers": [f.number for f in created]},
    )
    return created


# ---------------------------------------------------------------- measures


def _open_finding(finding: Finding) -> Finding:
    locked = Finding.objects.select_for_update(of=("self",)).select_related("organization").get(pk=finding.pk)
    if locked.is_closed:
        raise ValidationError("该问题已销号，整改措施不能再修改")
    return locked


def _check_owner_member(actor: Any, member: Any) -> None:
    if member is None:
        return
    from dangjian.members.models import Member

    if not Member.objects.for_user(actor).filter(pk=member.pk).exists():
        raise ValidationError({"owner_member": "所选党员不在您的管辖范围内"})


@transaction.atomic
def measure_create(
    *, actor: Any, finding: Finding, data: dict[str, Any], owner_member: Any = None, on: dt.date | None = None
) -> RectificationMeasure:
    locked = _open_finding(finding)
    _require(may_rectify(actor, locked.organization), "您无权为该问题制定整改措施")
    cleaned, errors = clean_measure_data(data)
    if errors:
        raise ValidationError(errors)
    _check_owner_member(actor, owner_member)
    last = locked.measures.aggregate(m=Max("number"))["m"] or 0
    measure = RectificationMeasure(
        finding=locked,
        number=last + 1,
        owner_member=owner_member,
        status=S.NOT_STARTED,
        **{f: cleaned[f] for f in MEASURE_FIELDS},
    )
    measure.full_clean()
    measure.save()
    MeasureProgress.objects.create(
        measure=measure,
        on=on or timezone.localdate(),
        note="制定整改措施",
        status_from="",
        status_to=S.NOT_STARTED,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        event_type=EventType.CREATE,
        subject=measure,
        organization=locked.organization,
        data={"new": _measure_snapshot(measure), "finding": locked.pk},
    )
    return measure


@transaction.atomic
def measure_update(
    *, actor: Any, measure: RectificationMeasure, data: dict[str, Any], version: int, owner_member: Any = None
) -> RectificationMeasure:
    locked = RectificationMeasure.objects.select_for_update().get(pk=measure.pk)
    finding = _open_finding(locked.finding)
    _require(may_rectify(actor, finding.organization), "您无权修改该整改措施")
    if locked.version != version:
        raise StaleVersion()
    if locked.status == S.ACCEPTED:
        raise ValidationError("该措施已验收销号，不能修改")
    before = _measure_snapshot(locked)
    cleaned, errors = clean_measure_data({**before, **data})
    if errors:
        raise ValidationError(errors)
    _check_owner_member(actor, owner_member)
    for f in MEASURE_FIELDS:
        setattr(locked, f, cleaned[f])
    locked.owner_member = owner_member
    locked.version += 1
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        event_type=EventType.UPDATE,
        subject=locked,
        organization=finding.organization,
        data={"changes": diff(before, _measure_snapshot(locked))},
    )
    return locked


def _move(
    *, actor: Any, measure: RectificationMeasure, to: str, party: str, on: dt.date, note: str
) -> RectificationMeasure:
    """The one place a measure's status changes: checks the transition table, records the change."""
    if to not in S.values:
        raise ValidationError({"status": "未知的状态"})
    frm = measure.status
    who = TRANSITIONS.get((frm, to))
    if who is None or party not in who:
        raise ValidationError(
            {"status": f"整改措施不能从“{S(frm).label}”改为“{S(to).label}”"}, code="transition"
        )
    measure.status = to
    if to in (S.DONE, S.ACCEPTED):
        measure.completed_on = measure.completed_on or on
    else:
        measure.completed_on = None
    measure.version += 1
    measure.full_clean()
    measure.save(update_fields=["status", "completed_on", "version"])
    MeasureProgress.objects.create(
        measure=measure, on=on, note=note, status_from=frm, status_to=to, recorded_by=actor
    )
    return measure


@transaction.atomic
def measure_transition(
    *,
    actor: Any,
    measure: RectificationMeasure,
    to: str,
    note: str = "",
    on: dt.date | None = None,
    version: int | None = None,
) -> RectificationMeasure:
    """A rectifier moves a measure along the workflow (acceptance is rectification_close)."""
    locked = RectificationMeasure.objects.select_for_update().get(pk=measure.pk)
    finding = _open_finding(locked.finding)
    _require(may_rectify(actor, finding.organization), "您无权更新该整改措施")
    if version is not None and locked.version != version:
        raise StaleVersion()
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ValidationError({"on": "日期不能晚于今天"})
    note = (note or "").strip()
    if to == S.DONE and not note:
        raise ValidationError({"note": "请填写完成情况"})
    before = locked.status
    _move(actor=actor, measure=locked, to=to, party=RECTIFIER, on=on, note=note)
    audit_record(
        actor=actor,
        event_type=EventType.UPDATE,
        subject=locked,
        organization=finding.organization,
        data={"changes": {"status": [before, to]}, "note": note},
    )
    return locked


@transaction.atomic
def measure_progress_add(
    *, actor: Any, measure: RectificationMeasure, note: str, on: dt.date | None = None
) -> MeasureProgress:
    locked = RectificationMeasure.objects.select_for_update().get(pk=measure.pk)
    finding = _open_finding(locked.finding)
    _require(may_rectify(actor, finding.organization), "您无权填报该整改措施的进展")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "进展情况不能为空"})
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ValidationError({"on": "日期不能晚于今天"})
    entry = MeasureProgress(measure=locked, on=on, note=note, recorded_by=actor)
    entry.full_clean()
    entry.save()
    audit_record(
        actor=actor,
        event_type=EventType.CREATE,
        subject=entry,
        organization=finding.organization,
        data={"measure": locked.pk, "on": on, "note": note},
    )
    return entry


# ---------------------------------------------------------------- acceptance (销号)


def _for_decision(
    actor: Any, finding: Finding, text: str, what: str
) -> tuple[Finding, list[RectificationMeasure]]:
    locked = Finding.objects.select_for_update(of=("self",)).select_related("organization").get(pk=finding.pk)
    _require(may_accept(actor, locked), "只有上级党组织（街道党工委）的工作人员可以验收销号")
    if locked.is_closed:
        raise ValidationError("该问题已销号")
    if not text.strip():
        raise ValidationError({"comment": f"请填写{what}"})
    measures = list(
        RectificationMeasure.objects.select_for_update().filter(finding=locked).order_by("number")
    )
    if not measures:
        raise ValidationError("该问题尚无整改措施，不能验收")
    pending = [m for m in measures if m.status != S.DONE]
    if pending:
        numbers = "、".join(str(m.number) for m in pending)
        raise ValidationError(f"整改措施{numbers}尚未完成，不能验收（所有措施均为“已完成待验收”后方可验收）")
    return locked, measures


@transaction.atomic
def rectification_close(*, actor: Any, finding: Finding, comment: str, on: dt.date | None = None) -> Finding:
    """销号 (glossary Rectification.close()): a superior accepts a finding whose measures are all done."""
    locked, measures = _for_decision(actor, finding, comment, "验收意见")
    on = on or timezone.localdate()
    for measure in measures:
        _move(
            actor=actor,
            measure=measure,
            to=S.ACCEPTED,
            party=ACCEPTOR,
            on=on,
            note=f"验收销号：{comment.strip()}",
        )
    decision = AcceptanceDecision(
        finding=locked,
        accepted=True,
        comment=comment.strip(),
        decided_on=on,
        decided_by=actor,
        decided_by_org=actor.organization,
    )
    decision.full_clean()
    decision.save()
    locked.status, locked.closed_on, locked.closed_by = FindingStatus.CLOSED, on, actor
    locked.full_clean(validate_unique=False)
    locked.save(update_fields=["status", "closed_on", "closed_by"])
    audit_record(
        actor=actor,
        event_type=EventType.UPDATE,
        subject=locked,
        data={
            "changes": {"status": [FindingStatus.OPEN, FindingStatus.CLOSED]},
            "comment": comment.strip(),
            "measures": [m.pk for m in measures],
        },
    )
    return locked


@transaction.atomic
def rectification_refuse(*, actor: Any, finding: Finding, reason: str, on: dt.date | None = None) -> Finding:
    """Refusal with a reason: the finding stays open and its measures go back to work."""
    locked, measures = _for_decision(actor, finding, reason, "退回理由")
    on = on or timezone.localdate()
    for measure in measures:
        _move(
            actor=actor,
            measure=measure,
            to=S.IN_PROGRESS,
            party=ACCEPTOR,
            on=on,
            note=f"验收未通过：{reason.strip()}",
        )
    decision = AcceptanceDecision(
        finding=locked,
        accepted=False,
        comment=reason.strip(),
        decided_on=on,
        decided_by=actor,
        decided_by_org=actor.organization,
    )
    decision.full_clean()
    decision.save()
    audit_record(
        actor=actor,
        event_type=EventType.UPDATE,
        subject=locked,
        data={"refused": reason.strip(), "measures": [m.pk for m in measures]},
    )
    return locked


# ---------------------------------------------------------------- look-back links


@transaction.atomic
def finding_link_repeat(*, actor: Any, finding: Finding, earlier: Finding | None) -> Finding:
    """Confirm (or with None, remove) that `finding` repeats the earlier finding `earlier` (回头看)."""
    locked = (
        Finding.objects.select_for_update(of=("self",)).select_related("organization", "inspection").get(pk=finding.pk)
    )
    _require(may_file_findings(actor, locked.organization), "您无权修改该问题")
    before = locked.repeats_id
    if earlier is not None:
        if earlier.pk == locked.pk:
            raise ValidationError({"repeats": "问题不能重复其自身"})
        if not Finding.objects.for_user(actor).filter(pk=earlier.pk).exists():
            raise ValidationError({"repeats": "所选问题不在您的管辖范围内"})
        if earlier.found_on > locked.found_on:
            raise ValidationError({"repeats": "只能关联发现日期更早的问题"})
        # no cycles: walk the earlier chain (bounded by the number of rounds)
        seen, cursor = {locked.pk}, earlier
        while cursor is not None:
            if cursor.pk in seen:
                raise ValidationError({"repeats": "关联会形成循环"})
            seen.add(cursor.pk)
            cursor = cursor.repeats
    locked.repeats = earlier
    locked.full_clean(validate_unique=False)
    locked.save(update_fields=["repeats"])
    audit_record(
        actor=actor,
        event_type=EventType.UPDATE,
        subject=locked,
        data={"changes": {"repeats": [before, earlier.pk if earlier else None]}},
    )
    return locked


# ---------------------------------------------------------------- evidence


@transaction.atomic
def evidence_add(
    *,
    actor: Any,
    upload: Any,
    finding: Finding | None = None,
    measure: RectificationMeasure | None = None,
    description: str = "",
) -> Evidence:
    if (finding is None) == (measure is None):
        raise ValueError("evidence belongs to a finding or to a measure")
    if measure is not None:
        owner = _open_finding(measure.finding)
        _require(may_rectify(actor, owner.organization), "您无权为该整改措施上传佐证材料")
    else:
        owner = Finding.objects.select_related("organization").get(pk=finding.pk)  # type: ignore[union-attr]
        _require(may_file_findings(actor, owner.organization), "您无权为该问题上传佐证材料")
    checked = check_upload(upload)
    description = (description or "").strip()
    if len(description) > 200:
        raise ValidationError({"description": "说明不能超过200个字"})
    evidence = Evidence(
        organization=owner.organization,
        finding=finding,
        measure=measure,
        original_name=checked.original_name,
        content_type=checked.kind.content_type,
        size=len(checked.data),
        sha256=checked.sha256,
        description=description,
        uploaded_by=actor,
    )
    evidence.file.save(f"upload{checked.kind.extension}", ContentFile(checked.data), save=False)
    try:
        evidence.full_clean()
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        raise
    audit_record(
        actor=actor,
        event_type=EventType.CREATE,
        subject=evidence,
        organization=owner.organization,
        data={
            "finding": finding.pk if finding else None,
            "measure": measure.pk if measure else None,
            "name": checked.original_name,
            "size": len(checked.data),
            "sha256": checked.sha256,
        },
    )
    return evidence


def export_recorded(*, actor: Any, inspection: Inspection, what: str, count: int) -> None:
    """Every export leaves an audit row (security.md)."""
    audit_record(
        actor=actor,
        event_type=EventType.EXPORT,
        subject=inspection,
        organization=inspection.organization,
        data={"document": what, "findings": count},
    )
