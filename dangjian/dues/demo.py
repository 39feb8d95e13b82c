"""Demo dues: five years (ctx.first_year..ctx.today) of bases, payments and quarterly remittances for
ctx.members, with the habits the seeds describe. Deterministic for a seed (only ctx.rng), bulk_create only.

Habits (share of members): monthly 44%, quarterly 25%, lump sum at the start of the year 8%, lump sum at
the end of the year 8% (seed 000: "大部分党员都是一次性交纳党费，有年初交的，有年底交的"), late payers
who settle every few months 9%, members who stopped paying 3 to 5 months ago 3%, members who stopped six
or more months ago 2%, and 1% paying less than the standard amount. A few entries are corrected by
冲正 and re-entered. Each community remits quarterly; one skips a quarter and one remits a wrong amount.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from dangjian.core.planner import refresh_statistics
from dangjian.dues import config, selectors
from dangjian.dues.ledger import (
    Period,
    allocate_payment,
    month_end,
    month_of,
    owes,
    quarter_start,
    year_months,
)
from dangjian.dues.models import (
    Channel,
    DuesBase,
    DuesPayment,
    DuesPaymentMonth,
    DuesRemittance,
    IncomeType,
    PaymentKind,
)
from dangjian.dues.rates import dues_rate
from dangjian.lib.periods import add_months

HABITS = [
    ("monthly", 44),
    ("quarterly", 25),
    ("lump_start", 8),
    ("lump_end", 8),
    ("late", 9),
    ("lapsing", 3),
    ("stopped", 2),
    ("underpay", 1),
]
CHANNELS = [
    (Channel.CASH, 45),
    (Channel.WECHAT, 28),
    (Channel.ALIPAY, 10),
    (Channel.BANK, 12),
    (Channel.PAYROLL, 5),
]
BATCH = 2000
EDGES = (Decimal("3000.00"), Decimal("5000.00"), Decimal("10000.00"))


def _pick(rng: Any, weighted: list[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted], k=1)[0]


def _income_type(rng: Any, member: Any, today: dt.date) -> str:
    age = member.age(today)
    if member.hardship and rng.random() < 0.7:
        return IncomeType.LOW_INCOME
    if age >= 60:
        return IncomeType.RETIRED if rng.random() < 0.9 else IncomeType.FARMER
    if member.category == "in_service":
        return IncomeType.IN_SERVICE
    if age < 24:
        return IncomeType.STUDENT
    return _pick(
        rng,
        [
            (IncomeType.IN_SERVICE, 62),
            (IncomeType.FLEXIBLE, 14),
            (IncomeType.UNEMPLOYED, 12),
            (IncomeType.FARMER, 8),
            (IncomeType.LOW_INCOME, 4),
        ],
    )


def _first_base(rng: Any, income_type: str) -> Decimal:
    if income_type == IncomeType.RETIRED:
        if rng.random() < 0.04:
            return Decimal("5000.00")  # the band edge: still 0.5%
        return Decimal(rng.randrange(180000, 750000)) / 100
    if income_type in (IncomeType.IN_SERVICE, IncomeType.FLEXIBLE):
        if rng.random() < 0.06:
            return Decimal(rng.choice(["3000.00", "5000.00", "10000.00"]))
        return Decimal(rng.randrange(250000, 1600000)) / 100
    return Decimal("0.00")


def _runs(months: list[dt.date]) -> list[list[dt.date]]:
    """Consecutive months grouped into runs (one entry covers one run)."""
    runs: list[list[dt.date]] = []
    for m in months:
        if runs and add_months(runs[-1][-1], 1) == m:
            runs[-1].append(m)
        else:
            runs.append([m])
    return runs


class _Builder:
    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.today = ctx.today
        self.current = month_of(ctx.today)
        self.tables = config.rate_tables()
        self.bases: list[DuesBase] = []
        self.payments: list[tuple[DuesPayment, dict[dt.date, Decimal]]] = []
        self.counts: Counter[str] = Counter()
        self.examples: dict[str, list[str]] = defaultdict(list)

    def day_in(self, month: dt.date, low: int = 1, high: int = 28) -> dt.date:
        day = dt.date(month.year, month.month, self.rng.randint(low, min(high, month_end(month).day)))
        return min(day, self.today)

    def pay(
        self,
        member: Any,
        org_id: int,
        months: list[dt.date],
        paid_on: dt.date,
        dues: dict[dt.date, Decimal],
        factor: Decimal = Decimal(1),
        kind: str = PaymentKind.PAYMENT,
    ) -> DuesPayment | None:
        if not months or paid_on > self.today:
            return None
        amount = (sum((dues[m] for m in months), Decimal(0)) * factor).quantize(Decimal("0.01"))
        amount = max(amount, Decimal("0.01") * len(months))
        entry = DuesPayment(
            member_id=member.pk,
            organization_id=org_id,
            kind=kind,
            paid_on=paid_on,
            amount=amount,
            channel=_pick(self.rng, CHANNELS),
            first_month=months[0],
            last_month=months[-1],
            months=len(months),
            recorded_by=self.ctx.actor if getattr(self.ctx.actor, "pk", None) else None,
        )
        self.payments.append((entry, allocate_payment(amount, months, dues, {})))
        return entry

    def member_year(
        self,
        member: Any,
        habit: str,
        year: int,
        owed: list[dt.date],
        dues: dict[dt.date, Decimal],
        org_id: int,
        stop: dt.date | None,
    ) -> None:
        rng = self.rng
        due_now = [m for m in owed if m <= self.current]
        if stop is not None:
            due_now = [m for m in due_now if m < stop]
            owed = [m for m in owed if m < stop]
        if habit == "lump_start":
            for run in _runs(owed):
                self.pay(member, org_id, run, self.day_in(max(run[0], dt.date(year, 1, 1)), 3, 25), dues)
            return
        if habit == "lump_end":
            if year < self.today.year:
                for run in _runs(owed):
                    self.pay(member, org_id, run, self.day_in(dt.date(year, 12, 1), 5, 28), dues)
            elif self.current.month >= 7:
                # this year: half a year settled in July, the rest still outstanding (warning, not yet 6 months)
                for run in _runs([m for m in due_now if m.month <= 6]):
                    self.pay(member, org_id, run, self.day_in(dt.date(year, 7, 1), 5, 25), dues)
            return
        if habit == "quarterly":
            for q in range(4):
                months = [m for m in due_now if q * 3 < m.month <= q * 3 + 3]
                last_of_q = dt.date(year, q * 3 + 3, 1)
                if months and last_of_q <= self.current:
                    for run in _runs(months):
                        self.pay(member, org_id, run, self.day_in(last_of_q, 5, 25), dues)
            return
        if habit == "late":
            pending: list[dt.date] = []
            for m in due_now:
                pending.append(m)
                if len(pending) >= rng.randint(2, 5):
                    settle = add_months(m, rng.randint(0, 2))
                    if settle <= self.current:
                        for run in _runs(pending):
                            self.pay(member, org_id, run, self.day_in(settle, 1, 28), dues)
                        pending = []
            old = [m for m in pending if m < add_months(self.current, -3)]
            if old and year == self.today.year:  # settled before reaching the 3-month warning
                for run in _runs(old):
                    self.pay(member, org_id, run, self.day_in(self.current, 1, 28), dues)
            return
        factor = Decimal("0.5") if habit == "underpay" else Decimal(1)
        for m in due_now:  # monthly, lapsing and stopped (before they stopped), underpay
            if m == self.current and rng.random() < 0.4:
                continue  # not yet paid this month
            self.pay(member, org_id, [m], self.day_in(m, 1, 25), dues, factor)

    def build(self) -> None:
        ctx, rng = self.ctx, self.rng
        members = list(ctx.members)
        periods = selectors.periods_for([m.pk for m in members])
        years = list(range(ctx.first_year, self.today.year + 1))
        for member in members:
            ps: list[Period] = periods.get(member.pk, [])
            if not ps:
                continue
            habit = _pick(rng, HABITS)
            if member.organization_id == ctx.model_branch:
                habit = "monthly"  # the model branch collects every month
            income_type = _income_type(rng, member, self.today)
            base0 = _first_base(rng, income_type)
            declares = (
                income_type in (IncomeType.IN_SERVICE, IncomeType.FLEXIBLE, IncomeType.FARMER)
                and rng.random() < 0.04
            )
            stop = None
            if habit == "stopped":
                stop = add_months(self.current, -rng.randint(7, 15))
            elif habit == "lapsing":
                stop = add_months(self.current, -rng.randint(4, 5))
            self.counts[habit] += 1
            planted = {
                "stopped": "DUES-001",
                "lump_start": "DUES-002",
                "lump_end": "DUES-002",
                "underpay": "DUES-003",
            }
            if habit in planted and member.left_on is None and member.deceased_on is None:
                ctx.plant(planted[habit], member.organization_id)
            if len(self.examples[habit]) < 3:
                self.examples[habit].append(member.name)
            for year in years:
                owed = [m for m in year_months(year) if owes(ps, m)]
                if not owed:
                    continue
                if base0 in EDGES:
                    base = base0  # kept exactly on a band edge every year
                else:
                    base = (base0 * Decimal("1.03") ** (year - ctx.first_year)).quantize(Decimal("0.01"))
                rate = dues_rate(income_type, base, dt.date(year, 1, 1), self.tables)
                declared = None
                if declares:
                    declared = (
                        Decimal("1.00")
                        if income_type == IncomeType.FARMER
                        else (rate.amount + 10).quantize(Decimal("1"))
                    )
                monthly = declared or rate.amount
                self.bases.append(
                    DuesBase(
                        member_id=member.pk,
                        year=year,
                        income_type=income_type,
                        base=base,
                        standard_amount=rate.amount,
                        declared_amount=declared,
                        monthly_amount=monthly,
                        rate_label=rate.rate_label,
                        recorded_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
                    )
                )
                dues = {m: monthly for m in year_months(year)}
                org_id = next(
                    (p.organization_id for p in ps if p.covers(month_end(owed[-1]))), member.organization_id
                )
                self.member_year(member, habit, year, owed, dues, org_id, stop)
        self.plant_corrections()
        self.save()
        self.remit()
        refresh_statistics()  # the notes read the ledger just bulk-inserted
        self.notes()

    def plant_corrections(self) -> None:
        """A few entries typed wrong, reversed (冲正) and entered again: the ledger keeps all three."""
        candidates = [
            i for i, (e, _) in enumerate(self.payments) if e.months == 1 and e.paid_on.year == self.today.year
        ]
        self.corrections: list[tuple[int, DuesPayment, DuesPayment]] = []
        for i in sorted(self.rng.sample(candidates, min(3, len(candidates)))):
            entry, allocation = self.payments[i]
            wrong_amount = entry.amount * 10
            wrong = DuesPayment(
                member_id=entry.member_id,
                organization_id=entry.organization_id,
                kind=PaymentKind.PAYMENT,
                paid_on=entry.paid_on,
                amount=wrong_amount,
                channel=entry.channel,
                first_month=entry.first_month,
                last_month=entry.last_month,
                months=1,
                recorded_by=entry.recorded_by,
                note="",
            )
            reversal = DuesPayment(
                member_id=entry.member_id,
                organization_id=entry.organization_id,
                kind=PaymentKind.REVERSAL,
                paid_on=entry.paid_on,
                amount=-wrong_amount,
                channel=entry.channel,
                first_month=entry.first_month,
                last_month=entry.last_month,
                months=1,
                recorded_by=entry.recorded_by,
                note="金额录入错误（多录一位）",
            )
            self.corrections.append((i, wrong, reversal))

    def save(self) -> None:
        DuesBase.objects.bulk_create(self.bases, batch_size=BATCH)
        extra: list[tuple[DuesPayment, dict[dt.date, Decimal]]] = []
        for _, wrong, _reversal in self.corrections:
            extra.append((wrong, {wrong.first_month: wrong.amount}))
        entries = [e for e, _ in self.payments] + [e for e, _ in extra]
        DuesPayment.objects.bulk_create(entries, batch_size=BATCH)
        reversals = []
        for _, wrong, reversal in self.corrections:
            reversal.original_id = wrong.pk
            reversals.append(reversal)
        DuesPayment.objects.bulk_create(reversals, batch_size=BATCH)
        rows = []
        for entry, allocation in [*self.payments, *extra]:
            rows.extend(
                DuesPaymentMonth(
                    payment_id=entry.pk,
                    member_id=entry.member_id,
                    organization_id=entry.organization_id,
                    month=m,
                    amount=a,
                )
                for m, a in allocation.items()
            )
        for r in reversals:
            rows.append(
                DuesPaymentMonth(
                    payment_id=r.pk,
                    member_id=r.member_id,
                    organization_id=r.organization_id,
                    month=r.first_month,
                    amount=r.amount,
                )
            )
        DuesPaymentMonth.objects.bulk_create(rows, batch_size=BATCH)

    def remit(self) -> None:
        """Each community remits each past quarter's collections in the first weeks of the next quarter."""
        ctx = self.ctx
        communities = ctx.communities()
        by_org = {o.pk: o for o in ctx.organizations}
        community_of: dict[int, Any] = {}
        for org in ctx.organizations:
            for c in communities:
                if org.path.startswith(c.path):
                    community_of[org.pk] = c
        collected: dict[tuple[int, dt.date], Decimal] = defaultdict(Decimal)
        for entry, _ in self.payments:
            community = community_of.get(entry.organization_id)
            if community is not None:
                collected[(community.pk, quarter_start(month_of(entry.paid_on)))] += entry.amount
        quarters = [
            dt.date(y, m, 1) for y in range(ctx.first_year, self.today.year + 1) for m in (1, 4, 7, 10)
        ]
        done = [q for q in quarters if add_months(q, 3) <= self.current]
        records = []
        self.skipped: tuple[str, dt.date] | None = None
        self.wrong: tuple[str, dt.date, Decimal] | None = None
        skip_at = self.rng.randrange(len(communities)) if communities and done else None
        wrong_at = self.rng.randrange(len(communities)) if communities and done else None
        skip_q = done[-2] if len(done) >= 2 else None
        wrong_q = done[-3] if len(done) >= 3 else None
        for index, community in enumerate(communities):
            parent = by_org.get(community.parent_id)
            for q in done:
                amount = collected.get((community.pk, q), Decimal(0)).quantize(Decimal("0.01"))
                if amount <= 0:
                    continue
                if index == skip_at and q == skip_q:
                    self.skipped = (community.name, q)
                    ctx.plant("DUES-004", community)
                    continue
                if index == wrong_at and q == wrong_q and amount > 100:
                    short = (amount * Decimal("0.1")).quantize(Decimal("0.01"))
                    self.wrong = (community.name, q, short)
                    ctx.plant("DUES-004", community)
                    amount -= short
                records.append(
                    DuesRemittance(
                        organization_id=community.pk,
                        to_organization_id=parent.pk if parent else None,
                        period_start=q,
                        period_end=add_months(q, 2),
                        remitted_on=self.day_in(add_months(q, 3), 5, 20),
                        amount=amount,
                        receipt_no=f"SJ{q:%Y%m}{community.pk:04d}",
                        recorded_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
                    )
                )
        DuesRemittance.objects.bulk_create(records, batch_size=BATCH)
        self.remittance_count = len(records)

    def notes(self) -> None:
        """What the demo plants, counted from the ledger as saved (the selectors' own view)."""
        ctx, c = self.ctx, self.counts
        lump = config.lump_sum_months()
        lumps = [e for e, _ in self.payments if e.months >= lump]
        starts = sum(1 for e in lumps if e.paid_on <= month_end(e.first_month))
        ctx.notes.append(
            f"党费：{len(self.bases)}条交纳基数、{len(self.payments) + 2 * len(self.corrections)}条交纳记录、"
            f"{self.remittance_count}条上缴记录（{ctx.first_year}—{self.today.year}年）"
        )
        ctx.notes.append(
            f"党费：一次性交纳{len(lumps)}笔（年初预交{starts}笔、年底或年中补交{len(lumps) - starts}笔，"
            f"如{'、'.join(self.examples['lump_start'][:2] + self.examples['lump_end'][:2])}）；拖欠后集中补交{c['late']}人"
        )
        root = ctx.street
        if root is not None:
            rows = selectors.arrears_list(root, self.today, config.warning_months())
            errors = [r.member.name for r in rows if r.severity == "error"]
            warnings = [r.member.name for r in rows if r.severity == "warning"]
            ctx.notes.append(
                f"党费：连续{config.error_months()}个月以上未交{len(errors)}人（如{'、'.join(errors[:3]) or '—'}），"
                f"连续{config.warning_months()}至{config.error_months() - 1}个月未交{len(warnings)}人"
                f"（如{'、'.join(warnings[:3]) or '—'}）"
            )
        if c["underpay"]:
            ctx.notes.append(
                f"党费：按标准减半交纳{c['underpay']}人（如{'、'.join(self.examples['underpay'])}），各月显示未交足"
            )
        if self.corrections:
            ctx.notes.append(f"党费：{len(self.corrections)}笔金额录错后冲正并重新登记（台账保留原记录）")
        if self.skipped:
            name, q = self.skipped
            ctx.notes.append(f"党费上缴：{name}{q.year}年第{(q.month - 1) // 3 + 1}季度未上缴")
        if self.wrong:
            name, q, short = self.wrong
            ctx.notes.append(
                f"党费上缴：{name}{q.year}年第{(q.month - 1) // 3 + 1}季度少缴{short}元，对账有差额"
            )


def build(ctx: Any) -> None:
    if not ctx.members:
        return
    _Builder(ctx).build()
