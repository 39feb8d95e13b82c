"""Reads of the rectification ledger: the board of a round (counts by status and aspect, overdue, burn-down),
supervision (overdue per owner and unit, reminders), recurrence chains and look-back proposals.
Every function takes querysets already scoped with for_user(), and runs a fixed number of queries
whatever the number of findings."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Min, Q, QuerySet

from dangjian.inspection import lookback
from dangjian.inspection.models import (
    UNFINISHED,
    Finding,
    FindingStatus,
    Inspection,
    MeasureProgress,
    MeasureStatus,
    RectificationMeasure,
)
from dangjian.orgs.models import Organization


def reminder_days() -> int:
    return int(settings.DOMAIN_RULES.get("rectification_reminder_days", 7))


# ---------------------------------------------------------------- overdue and reminders


def overdue(measures: QuerySet[RectificationMeasure], today: dt.date) -> QuerySet[RectificationMeasure]:
    """Past the deadline (due before today) and still unfinished. Due today is not overdue."""
    return measures.filter(status__in=UNFINISHED, due__lt=today)


def due_soon(
    measures: QuerySet[RectificationMeasure], today: dt.date, days: int | None = None
) -> QuerySet[RectificationMeasure]:
    """Unfinished measures due from today to today + N days (the reminder window)."""
    days = reminder_days() if days is None else days
    return measures.filter(status__in=UNFINISHED, due__gte=today, due__lte=today + dt.timedelta(days=days))


@dataclass
class OwnerLoad:
    owner_unit: str
    owner_name: str
    overdue: int
    earliest_due: dt.date


def overdue_by_owner(measures: QuerySet[RectificationMeasure], today: dt.date) -> list[OwnerLoad]:
    rows = (
        overdue(measures, today)
        .values("owner_unit", "owner_name")
        .annotate(n=Count("id"), earliest=Min("due"))
        .order_by("-n", "earliest", "owner_unit", "owner_name")
    )
    return [OwnerLoad(r["owner_unit"], r["owner_name"], r["n"], r["earliest"]) for r in rows]


def overdue_by_unit(measures: QuerySet[RectificationMeasure], today: dt.date) -> list[OwnerLoad]:
    rows = (
        overdue(measures, today)
        .values("owner_unit")
        .annotate(n=Count("id"), earliest=Min("due"))
        .order_by("-n", "earliest", "owner_unit")
    )
    return [OwnerLoad(r["owner_unit"], "", r["n"], r["earliest"]) for r in rows]


# ---------------------------------------------------------------- the board of a round


@dataclass
class AspectRow:
    aspect: str
    findings: int = 0
    closed: int = 0
    measures: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    overdue: int = 0

    @property
    def finished(self) -> int:
        return self.by_status.get(MeasureStatus.DONE, 0) + self.by_status.get(MeasureStatus.ACCEPTED, 0)


@dataclass
class WeekPoint:
    week_end: dt.date
    total: int  # measures existing by then
    unfinished: int  # not started or in progress
    open: int  # anything not yet accepted (销号)


@dataclass
class Board:
    findings: int
    closed: int
    recurring: int
    status_counts: list[tuple[str, str, int]]  # (value, label, count) in workflow order
    measures: int
    overdue: int
    aspects: list[AspectRow]
    burndown: list[WeekPoint]
    overdue_owners: list[OwnerLoad]


def status_counts(measures: QuerySet[RectificationMeasure]) -> dict[str, int]:
    return dict(measures.order_by().values_list("status").annotate(n=Count("id")))


def round_board(
    findings: QuerySet[Finding], measures: QuerySet[RectificationMeasure], today: dt.date
) -> Board:
    """`findings`: the round's findings visible to the user; `measures`: their measures."""
    f_rows = list(
        findings.order_by()
        .values("aspect")
        .annotate(
            n=Count("id"),
            closed=Count("id", filter=Q(status=FindingStatus.CLOSED)),
            recurring=Count("id", filter=Q(repeats__isnull=False)),
            first=Min("number"),
        )
    )
    m_rows = list(
        measures.order_by()
        .values("finding__aspect", "status")
        .annotate(
            n=Count("id"),
            late=Count("id", filter=Q(status__in=UNFINISHED, due__lt=today)),
        )
    )
    aspects: dict[str, AspectRow] = {}
    for row in sorted(f_rows, key=lambda r: r["first"] or 0):
        aspects[row["aspect"]] = AspectRow(row["aspect"], row["n"], row["closed"])
    totals: dict[str, int] = defaultdict(int)
    late_total = 0
    for row in m_rows:
        target = aspects.setdefault(row["finding__aspect"], AspectRow(row["finding__aspect"]))
        target.measures += row["n"]
        target.by_status[row["status"]] = target.by_status.get(row["status"], 0) + row["n"]
        target.overdue += row["late"]
        totals[row["status"]] += row["n"]
        late_total += row["late"]
    return Board(
        findings=sum(r["n"] for r in f_rows),
        closed=sum(r["closed"] for r in f_rows),
        recurring=sum(r["recurring"] for r in f_rows),
        status_counts=[(s.value, s.label, totals.get(s.value, 0)) for s in MeasureStatus],
        measures=sum(totals.values()),
        overdue=late_total,
        aspects=list(aspects.values()),
        burndown=burndown(measures, today),
        overdue_owners=overdue_by_owner(measures, today),
    )


def week_end(day: dt.date) -> dt.date:
    """The Sunday ending the ISO week of `day`."""
    return day + dt.timedelta(days=6 - day.weekday())


def burndown_points(
    changes: list[tuple[int, dt.date, str]], today: dt.date, max_weeks: int = 104
) -> list[WeekPoint]:
    """Pure: from status records (measure id, date, new status) in date order, the state at the end of
    each week from the first record to the week of `today` (the last `max_weeks` weeks at most)."""
    if not changes:
        return []
    first = min(c[1] for c in changes)
    ends = []
    end = week_end(first)
    last = week_end(today)
    while end <= last:
        ends.append(end)
        end += dt.timedelta(days=7)
    ends = ends[-max_weeks:]
    ordered = sorted(changes, key=lambda c: c[1])
    state: dict[int, str] = {}
    points = []
    i = 0
    for end in ends:
        cutoff = min(end, today)
        while i < len(ordered) and ordered[i][1] <= cutoff:
            state[ordered[i][0]] = ordered[i][2]
            i += 1
        values = list(state.values())
        points.append(
            WeekPoint(
                week_end=end,
                total=len(values),
                unfinished=sum(1 for s in values if s in UNFINISHED),
                open=sum(1 for s in values if s != MeasureStatus.ACCEPTED),
            )
        )
    return points


def burndown(measures: QuerySet[RectificationMeasure], today: dt.date) -> list[WeekPoint]:
    """Open measures at the end of each week, rebuilt from the status records (one query)."""
    rows = (
        MeasureProgress.objects.filter(measure__in=measures.order_by().values("pk"))
        .exclude(status_to="")
        .order_by("on", "pk")
        .values_list("measure_id", "on", "status_to")
    )
    return burndown_points(list(rows), today)


# ---------------------------------------------------------------- recurrence


def chains(findings: list[Finding], max_depth: int = 20) -> dict[int, list[Finding]]:
    """For each finding that repeats an earlier one: the chain of earlier findings, oldest first.
    One query per level of depth (rounds), never one per finding."""
    known: dict[int, Finding] = {f.pk: f for f in findings}
    wanted = {f.repeats_id for f in findings if f.repeats_id and f.repeats_id not in known}
    depth = 0
    while wanted and depth < max_depth:
        batch = list(Finding.objects.filter(pk__in=wanted).select_related("inspection", "organization"))
        for f in batch:
            known[f.pk] = f
        wanted = {f.repeats_id for f in batch if f.repeats_id and f.repeats_id not in known}
        depth += 1
    out: dict[int, list[Finding]] = {}
    for f in findings:
        chain: list[Finding] = []
        cursor = known.get(f.repeats_id) if f.repeats_id else None
        seen = {f.pk}
        while cursor is not None and cursor.pk not in seen:
            chain.append(cursor)
            seen.add(cursor.pk)
            cursor = known.get(cursor.repeats_id) if cursor.repeats_id else None
        if chain:
            out[f.pk] = list(reversed(chain))
    return out


# ---------------------------------------------------------------- look-back proposals


@dataclass
class LookbackRow:
    finding: Finding
    proposals: list[tuple[Finding, float]]


def lookback_proposals(inspection: Inspection, visible: QuerySet[Finding]) -> list[LookbackRow]:
    """For the round's findings not yet linked: the earlier findings (other rounds, self-checks and
    look-backs, in the same organizations, their subtrees or their superiors) they may repeat."""
    new = list(
        visible.filter(inspection=inspection, repeats__isnull=True)
        .select_related("organization")
        .order_by("number")
    )
    if not new:
        return []
    paths = {f.organization.path for f in new}
    ancestor_ids: set[int] = set()
    for f in new:
        ancestor_ids.update(f.organization.ancestor_ids())
    related = Q(organization_id__in=ancestor_ids)
    for path in paths:
        related |= Q(organization__path__startswith=path)
    latest = max(f.found_on for f in new)
    earlier = list(
        visible.exclude(inspection=inspection)
        .filter(related, found_on__lte=latest)
        .select_related("organization", "inspection")
    )
    by_id = {f.pk: f for f in earlier}
    text_threshold = float(settings.DOMAIN_RULES.get("lookback_text_similarity", lookback.TEXT_THRESHOLD))
    aspect_threshold = float(
        settings.DOMAIN_RULES.get("lookback_aspect_similarity", lookback.ASPECT_THRESHOLD)
    )
    proposals = lookback.propose_links(
        [_as_text(f) for f in new],
        [_as_text(f) for f in earlier],
        text_threshold=text_threshold,
        aspect_threshold=aspect_threshold,
    )
    grouped: dict[int, list[tuple[Finding, float]]] = defaultdict(list)
    for p in proposals:
        grouped[p.finding_id].append((by_id[p.earlier_id], p.score))
    return [LookbackRow(f, grouped[f.pk]) for f in new if grouped.get(f.pk)]


def _as_text(f: Finding) -> lookback.FindingText:
    return lookback.FindingText(
        id=f.pk,
        org_path=f.organization.path,
        aspect=f.aspect,
        text=f"{f.title}。{f.description}",
        found_on_ordinal=f.found_on.toordinal(),
    )


# ---------------------------------------------------------------- lists


def rounds_for(user: Any) -> QuerySet[Inspection]:
    """Rounds visible to the user, with counts of only the findings inside the user's subtree."""
    mine = Q(findings__organization__path__startswith=user.organization.path)
    return (
        Inspection.objects.for_user(user)
        .select_related("organization")
        .annotate(
            n_findings=Count("findings", filter=mine, distinct=True),
            n_closed=Count("findings", filter=mine & Q(findings__status=FindingStatus.CLOSED), distinct=True),
        )
        .order_by("-onsite_from", "-pk")
    )


def inspectable_orgs(user: Any) -> QuerySet[Organization]:
    return Organization.objects.subtree(user.organization).active()


# ---------------------------------------------------------------- data for the documents and the ledger


def document_data(
    inspection: Inspection, visible: QuerySet[Finding], today: dt.date
) -> tuple[Any, list[Any]]:
    """RoundInfo and FindingInfo list of a round (four queries), for the notice, the plan and the ledger."""
    from dangjian.inspection.documents import FindingInfo, MeasureInfo, RoundInfo

    findings = list(
        visible.filter(inspection=inspection)
        .select_related("organization", "repeats", "repeats__inspection")
        .order_by("number")
    )
    measures = list(
        RectificationMeasure.objects.filter(finding__in=[f.pk for f in findings]).order_by(
            "finding_id", "number"
        )
    )
    latest: dict[int, str] = {}
    notes = (
        MeasureProgress.objects.filter(measure__in=[m.pk for m in measures])
        .exclude(note="")
        .order_by("measure_id", "on", "pk")
        .values_list("measure_id", "note")
    )
    for measure_id, note in notes:
        latest[measure_id] = note
    by_finding: dict[int, list[MeasureInfo]] = defaultdict(list)
    for m in measures:
        by_finding[m.finding_id].append(
            MeasureInfo(
                number=m.number,
                text=m.text,
                owner_name=m.owner_name,
                owner_unit=m.owner_unit,
                due=m.due,
                status=m.status,
                status_label=m.get_status_display(),
                completed_on=m.completed_on,
                overdue=m.is_overdue(today),
                latest_note=latest.get(m.pk, ""),
            )
        )
    infos = []
    for f in findings:
        repeats = ""
        if f.repeats is not None:
            where = f.repeats.inspection.name if f.repeats.inspection else f.repeats.get_source_display()
            repeats = f"{where} 问题{f.repeats.number}：{f.repeats.title}"
        infos.append(
            FindingInfo(
                number=f.number,
                aspect=f.aspect,
                category=f.category,
                title=f.title,
                description=f.description,
                organization=f.organization.name,
                severity_label=f.get_severity_display(),
                source_label=f.get_source_display(),
                status_label=f.get_status_display(),
                closed_on=f.closed_on,
                repeats=repeats,
                measures=by_finding.get(f.pk, []),
            )
        )
    info = RoundInfo(
        organization=inspection.organization.name,
        name=inspection.name,
        committee=inspection.committee,
        team=inspection.team,
        inspected=[o.name for o in inspection.inspected.order_by("path")],
        onsite_from=inspection.onsite_from,
        onsite_to=inspection.onsite_to,
        feedback_on=inspection.feedback_on,
        overall_work=inspection.overall_work,
        consolidation=inspection.consolidation,
        contact=inspection.contact,
        plan_due=inspection.plan_due,
        report_due=inspection.report_due,
    )
    return info, infos
