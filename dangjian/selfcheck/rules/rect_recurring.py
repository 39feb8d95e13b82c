"""RECT-003 前轮巡察问题重复发生: a finding of the period recorded as repeating a finding of an earlier
round (回头看: 上轮巡察整改效果不明显)."""

from __future__ import annotations

from collections.abc import Iterator

from dangjian.core.rules import Severity
from dangjian.selfcheck.engine import Context, Finding, Link, rule
from dangjian.selfcheck.rules._common import INSPECTION_RULES
from dangjian.selfcheck.rules._rect import inspection_installed


@rule(
    code="RECT-003",
    title="前轮巡察问题重复发生",
    basis=f"{INSPECTION_RULES}（巡察“回头看”）",
    severity=Severity.ERROR,
    category="rectification",
    reads=("inspection.Finding", "inspection.Inspection"),
)
def check(ctx: Context) -> Iterator[Finding]:
    if not inspection_installed(ctx):
        return
    from dangjian.inspection.models import Finding as LedgerFinding

    rows = LedgerFinding.objects.filter(
        ctx.in_scope(), repeats__isnull=False, found_on__gte=ctx.start, found_on__lte=ctx.end
    ).values(
        "pk",
        "number",
        "title",
        "organization_id",
        "found_on",
        "repeats_id",
        "repeats__title",
        "repeats__inspection__name",
        "inspection__name",
    )
    for f in rows:
        earlier = f["repeats__inspection__name"] or "此前"
        yield Finding(
            organization_id=f["organization_id"],
            rule="",
            severity=Severity.ERROR,
            period=f"{f['found_on'].year}年",
            message=f"{f['inspection__name'] or '本轮'}问题“{f['title']}”与{earlier}问题“{f['repeats__title']}”重复，前轮整改效果不明显",
            subjects=(f"inspection.Finding:{f['pk']}",),
            links=(
                Link(f"问题{f['number']}：{f['title']}", "inspection:finding", (f["pk"],)),
                Link(f"前轮问题：{f['repeats__title']}", "inspection:finding", (f["repeats_id"],)),
            ),
        )
