"""DUES-004 党费上缴与收缴不符: for every organization that remits dues upward, each remitted span of
months beside what its subtree collected in those months; and months with collections but no
remittance. Set-based: remittances of the subtree and collections grouped by organization and month
(two queries), then sums per remitting organization in Python."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import TruncMonth

from dangjian.core.rules import Severity
from dangjian.selfcheck.engine import Context, Finding, Link, rule
from dangjian.selfcheck.rules._common import DUES_RULES
from dangjian.selfcheck.rules._dues import dues_installed


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    out, m = [], first.replace(day=1)
    while m <= last:
        out.append(m)
        m = (m.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out


@rule(
    code="DUES-004",
    title="党费上缴与收缴不符",
    basis=f"{DUES_RULES}第十四条（按规定及时足额上缴）",
    severity=Severity.ERROR,
    category="dues",
    reads=("dues.DuesRemittance", "dues.DuesPayment"),
    defaults={"tolerance": "0.00"},
)
def check(ctx: Context) -> Iterator[Finding]:
    if not dues_installed(ctx):
        return
    from dangjian.dues.models import DuesPayment, DuesRemittance

    first, last = ctx.start.replace(day=1), ctx.as_of.replace(day=1)
    remittances = list(
        DuesRemittance.objects.filter(ctx.in_scope(), period_start__lte=last, period_end__gte=first).values(
            "pk", "organization_id", "organization__path", "period_start", "period_end", "amount"
        )
    )
    if not remittances:
        return
    lo = min([first, *(r["period_start"] for r in remittances)])
    hi = max([last, *(r["period_end"] for r in remittances)])
    collected: dict[tuple[str, dt.date], Decimal] = defaultdict(Decimal)
    for row in (
        DuesPayment.objects.filter(
            ctx.in_scope(),
            paid_on__gte=lo,
            paid_on__lt=(hi.replace(day=28) + dt.timedelta(days=4)).replace(day=1),
        )
        .annotate(m=TruncMonth("paid_on"))
        .values("organization__path", "m")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        m = row["m"].date() if isinstance(row["m"], dt.datetime) else row["m"]
        collected[(row["organization__path"], m.replace(day=1))] += row["total"]
    tolerance = Decimal(str(ctx.t("tolerance")))
    spans: dict[tuple[int, dt.date, dt.date], Decimal] = defaultdict(Decimal)
    paths: dict[int, str] = {}
    for r in remittances:
        spans[(r["organization_id"], r["period_start"], r["period_end"])] += r["amount"]
        paths[r["organization_id"]] = r["organization__path"]

    def subtree_total(path: str, months: list[dt.date]) -> Decimal:
        wanted = set(months)
        return sum((v for (p, m), v in collected.items() if m in wanted and p.startswith(path)), Decimal(0))

    covered: dict[int, set[dt.date]] = defaultdict(set)
    for (org_id, start, end), remitted in sorted(spans.items()):
        months = _months(start, end)
        covered[org_id] |= set(months)
        got = subtree_total(paths[org_id], months)
        if abs(got - remitted) > tolerance:
            label = f"{start:%Y年%m月}至{end:%Y年%m月}" if start != end else f"{start:%Y年%m月}"
            yield Finding(
                organization_id=org_id,
                rule="",
                severity=Severity.ERROR,
                period=f"{end.year}年",
                message=f"{label}党费上缴{remitted:.2f}元，同期收缴{got:.2f}元，相差{got - remitted:.2f}元",
                subjects=(f"dues.DuesRemittance:{org_id}:{start:%Y%m}:{end:%Y%m}",),
                links=(Link("党费上缴记录", "dues:remittances", (org_id,)),),
            )
    current = ctx.as_of.replace(day=1)
    for org_id, path in paths.items():
        open_months = [
            m
            for m in _months(first, last)
            if m < current and m not in covered[org_id] and subtree_total(path, [m])
        ]
        if open_months:
            amount = subtree_total(path, open_months)
            yield Finding(
                organization_id=org_id,
                rule="",
                severity=Severity.ERROR,
                period=f"{open_months[-1].year}年",
                message=(
                    f"{len(open_months)}个月已收缴党费{amount}元尚未上缴（"
                    + "、".join(f"{m:%Y年%m月}" for m in open_months[:6])
                    + ("等" if len(open_months) > 6 else "")
                    + "）"
                ),
                subjects=(f"dues.unremitted:{org_id}",),
                links=(Link("党费上缴记录", "dues:remittances", (org_id,)),),
            )
