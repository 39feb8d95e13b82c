"""What each organization owes under the frequency rules, what is done, what is late.

Set-based: for any subtree and any years the whole computation is six queries (organizations,
one aggregate over all activities grouped by organization/kind/month, committee seats, talks
grouped by pairing, appraisals grouped by organization, lectures given by a secretary), whatever
the number of branches. Everything else is arithmetic in Python over those rows.

Which periods are owed: a period that has begun, by an organization that existed from the first
day of the period's last month (a branch founded on 15 June owes July's themed day and the third
quarter's meeting, not June's or the second quarter's, and it owes that year's life meeting) and
was not dissolved before the period ended.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q

from dangjian.lib.periods import month_bounds
from dangjian.life.models import Activity, ActivityKind, Appraisal, Talk
from dangjian.life.rules import (
    FrequencyRule,
    Period,
    committee_meeting_min_seats,
    frequency_rules,
    periods_of,
)
from dangjian.orgs.models import CommitteeRole, CommitteeSeat, Organization, OrgKind

DONE, LATE, OPEN = "done", "late", "open"
STATUS_LABELS = {DONE: "已完成", LATE: "逾期未完成", OPEN: "待完成"}
STATUS_CSS = {DONE: "ok", LATE: "error", OPEN: "warning"}

TALK_PAIRS = {
    "cc": "委员之间",
    "cm": "委员与党员之间",
    "mm": "党员之间",
}


@dataclass
class Obligation:
    org: Organization
    rule: FrequencyRule
    period: Period
    required: int
    count: int
    status: str
    note: str = ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def css(self) -> str:
        return STATUS_CSS[self.status]


@dataclass
class Cell:
    rule: FrequencyRule
    obligations: list[Obligation] = field(default_factory=list)
    not_applicable: str = ""  # reason shown instead of counts

    @property
    def owed(self) -> int:
        return len(self.obligations)

    @property
    def done(self) -> int:
        return sum(1 for o in self.obligations if o.status == DONE)

    @property
    def late(self) -> int:
        return sum(1 for o in self.obligations if o.status == LATE)

    @property
    def open(self) -> int:
        return sum(1 for o in self.obligations if o.status == OPEN)

    @property
    def css(self) -> str:
        if self.late:
            return "error"
        if self.owed and self.done == self.owed:
            return "ok"
        return "warning" if self.open else ""


@dataclass
class Row:
    org: Organization
    cells: list[Cell]

    @property
    def late(self) -> int:
        return sum(c.late for c in self.cells)


@dataclass
class Compliance:
    root: Organization
    years: list[int]
    today: dt.date
    rules: list[FrequencyRule]
    orgs: list[Organization]
    by_org: dict[int, dict[str, list[Obligation]]]
    not_applicable: dict[tuple[int, str], str]

    def rows(self) -> list[Row]:
        """One row per branch of the subtree; a branch's group-meeting cell gathers its groups."""
        groups_of: dict[int, list[Organization]] = defaultdict(list)
        for org in self.orgs:
            if org.kind == OrgKind.GROUP:
                groups_of[org.parent_id].append(org)
        row_orgs = [o for o in self.orgs if o.kind == OrgKind.BRANCH]
        known = {o.pk for o in row_orgs}
        row_orgs += [o for o in self.orgs if o.kind == OrgKind.GROUP and o.parent_id not in known]
        rows = []
        for org in row_orgs:
            cells = []
            for rule in self.rules:
                if rule.org_kind == OrgKind.GROUP:
                    owners = [org] if org.kind == OrgKind.GROUP else groups_of.get(org.pk, [])
                    if not owners:
                        cells.append(Cell(rule, not_applicable="未设党小组"))
                        continue
                else:
                    if org.kind == OrgKind.GROUP:
                        cells.append(Cell(rule, not_applicable="—"))
                        continue
                    owners = [org]
                obligations = [o for owner in owners for o in self.by_org.get(owner.pk, {}).get(rule.key, [])]
                reason = "" if obligations else self.not_applicable.get((org.pk, rule.key), "")
                cells.append(Cell(rule, obligations, reason))
            rows.append(Row(org, cells))
        return rows

    def all(self) -> Iterable[Obligation]:
        for per_rule in self.by_org.values():
            for obligations in per_rule.values():
                yield from obligations

    def late(self) -> list[Obligation]:
        items = [o for o in self.all() if o.status == LATE]
        return sorted(items, key=lambda o: (o.period.end, o.org.path, o.rule.key), reverse=True)

    def current(self, org: Organization) -> list[Obligation]:
        """Obligations of `org` (and its groups) in the periods containing today: this month/quarter/year."""
        owners = [
            o.pk for o in self.orgs if o.pk == org.pk or (o.kind == OrgKind.GROUP and o.parent_id == org.pk)
        ]
        out = []
        for owner in owners:
            for obligations in self.by_org.get(owner, {}).values():
                out += [o for o in obligations if o.period.contains(self.today)]
        order = {r.key: i for i, r in enumerate(self.rules)}
        return sorted(
            out, key=lambda o: ({"month": 0, "quarter": 1, "year": 2}[o.period.every], order[o.rule.key])
        )


def owes(org: Organization, period: Period, today: dt.date) -> bool:
    if period.start > today:
        return False
    if org.founded_on and org.founded_on > period.last_month_start:
        return False
    return not (org.dissolved_on and org.dissolved_on < period.end)


def _status(count: int, required: int, period: Period, today: dt.date) -> str:
    if count >= required:
        return DONE
    return LATE if period.end < today else OPEN


def _seat_on(member_ref: str) -> Exists:
    """A committee seat of the row's organization held by `member_ref` on the row's date."""
    return Exists(
        CommitteeSeat.objects.filter(
            member=OuterRef(member_ref),
            committee__organization=OuterRef("organization"),
            since__lte=OuterRef("date"),
        ).filter(Q(until__isnull=True) | Q(until__gte=OuterRef("date")))
    )


def compute(root: Organization, years: Sequence[int], today: dt.date) -> Compliance:
    years = sorted(set(years))
    first, last = dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31)
    rules = frequency_rules()
    # Rows of the subtree by organization id (an indexed lookup per organization), not by joining paths.
    in_tree = {"organization_id__in": Organization.objects.filter(path__startswith=root.path).values("pk")}

    orgs = list(
        Organization.objects.filter(
            path__startswith=root.path, kind__in=[OrgKind.BRANCH, OrgKind.GROUP]
        ).order_by("path")
    )

    # One aggregate over every activity of the subtree and the years: a conditional count per month
    # (plain date comparisons, no per-row date functions), grouped by organization and kind.
    months = [(y, m) for y in years for m in range(1, 13)]
    per_month = {
        f"m{y}_{m}": Count("id", filter=Q(date__gte=month_bounds(y, m)[0], date__lte=month_bounds(y, m)[1]))
        for y, m in months
    }
    per_year = {f"y{y}": Count("id", filter=Q(date__year=y)) for y in years}
    activity_counts: dict[tuple[int, str, int, int], int] = {}
    for r in (
        Activity.objects.filter(**in_tree, date__gte=first, date__lte=last)
        .values("organization_id", "kind")
        .annotate(**per_month)
        .order_by()
    ):
        for y, m in months:
            if r[f"m{y}_{m}"]:
                activity_counts[(r["organization_id"], r["kind"], y, m)] = r[f"m{y}_{m}"]

    seats: dict[int, list[tuple[dt.date, dt.date | None, int]]] = defaultdict(list)
    secretary_seats: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for org_id, since, until, member_id, role in (
        CommitteeSeat.objects.filter(
            committee__organization_id__in=in_tree["organization_id__in"], since__lte=last
        )
        .filter(Q(until__isnull=True) | Q(until__gte=first))
        .values_list("committee__organization_id", "since", "until", "member_id", "role")
    ):
        seats[org_id].append((since, until, member_id))
        if role == CommitteeRole.SECRETARY:
            secretary_seats[org_id].append((since, until))

    talk_pairs: dict[tuple[int, int], set[str]] = defaultdict(set)
    for r in (
        Talk.objects.filter(**in_tree, date__gte=first, date__lte=last)
        .annotate(a_c=_seat_on("participant_a"), b_c=_seat_on("participant_b"))
        .values("organization_id", "a_c", "b_c")
        .annotate(**per_year)
        .order_by()
    ):
        pair = "cc" if r["a_c"] and r["b_c"] else ("cm" if r["a_c"] or r["b_c"] else "mm")
        for y in years:
            if r[f"y{y}"]:
                talk_pairs[(r["organization_id"], y)].add(pair)

    appraisals = {
        (r["organization_id"], r["year"]): r["n"]
        for r in Appraisal.objects.filter(**in_tree, year__gte=years[0], year__lte=years[-1])
        .values("organization_id", "year")
        .annotate(n=Count("id"))
        .order_by()
    }

    secretary_lectures: dict[tuple[int, int], int] = {}
    for r in (
        Activity.objects.filter(**in_tree, kind=ActivityKind.LECTURE, date__gte=first, date__lte=last)
        .filter(
            Exists(
                CommitteeSeat.objects.filter(
                    member=OuterRef("lecturer"),
                    committee__organization=OuterRef("organization"),
                    role=CommitteeRole.SECRETARY,
                    since__lte=OuterRef("date"),
                ).filter(Q(until__isnull=True) | Q(until__gte=OuterRef("date")))
            )
        )
        .values("organization_id")
        .annotate(**per_year)
        .order_by()
    ):
        for y in years:
            secretary_lectures[(r["organization_id"], y)] = r[f"y{y}"]

    min_seats = committee_meeting_min_seats()
    by_org: dict[int, dict[str, list[Obligation]]] = defaultdict(dict)
    not_applicable: dict[tuple[int, str], str] = {}
    for org in orgs:
        org_seats = seats.get(org.pk, [])
        for rule in rules:
            if rule.org_kind != org.kind:
                continue
            items: list[Obligation] = []
            for year in years:
                for period in periods_of(year, rule.every):
                    if not owes(org, period, today):
                        continue
                    note = ""
                    required = rule.times
                    if rule.key == "committee_meeting":
                        ref = min(period.end, today)
                        filled = sum(1 for s, u, _ in org_seats if s <= ref and (u is None or u >= ref))
                        if filled < min_seats:
                            not_applicable[(org.pk, rule.key)] = f"委员不足{min_seats}人，未设支委会"
                            continue
                    if rule.key == "talks":
                        holders = {
                            m for s, u, m in org_seats if s <= period.end and (u is None or u >= period.start)
                        }
                        needed = (["cc"] if len(holders) >= 2 else []) + (["cm"] if holders else []) + ["mm"]
                        have = talk_pairs.get((org.pk, year), set())
                        count, required = sum(1 for p in needed if p in have), len(needed)
                        missing = [TALK_PAIRS[p] for p in needed if p not in have]
                        note = "缺少：" + "、".join(missing) if missing else ""
                    elif rule.key == "appraisal":
                        count, required = (1 if appraisals.get((org.pk, year)) else 0), 1
                    elif rule.key == "secretary_lecture":
                        if not any(
                            s <= period.end and (u is None or u >= period.start)
                            for s, u in secretary_seats.get(org.pk, [])
                        ):  # no secretary all year: the structure rules report the empty seat
                            not_applicable[(org.pk, rule.key)] = "未配备书记"
                            continue
                        count = secretary_lectures.get((org.pk, year), 0)
                    else:
                        count = sum(
                            activity_counts.get((org.pk, rule.activity_kind, year, m), 0)
                            for m in period.months
                        )
                    items.append(
                        Obligation(
                            org, rule, period, required, count, _status(count, required, period, today), note
                        )
                    )
            if items:
                by_org[org.pk][rule.key] = items
    return Compliance(root, list(years), today, rules, orgs, dict(by_org), not_applicable)
