"""RECT-002 问题销号缺少佐证或验收: a finding closed (销号) with no accepting decision on record, or
with no evidence on the finding or any of its measures."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Exists, OuterRef, Q

from dangjian.core.rules import Severity
from dangjian.selfcheck.engine import Context, Finding, Link, rule
from dangjian.selfcheck.rules._common import INSPECTION_RULES
from dangjian.selfcheck.rules._rect import inspection_installed


@rule(
    code="RECT-002",
    title="问题销号缺少佐证材料或验收记录",
    basis=f"{INSPECTION_RULES}；整改销号须经上级验收并留存佐证材料",
    severity=Severity.ERROR,
    category="rectification",
    reads=("inspection.Finding", "inspection.AcceptanceDecision", "inspection.Evidence"),
)
def check(ctx: Context) -> Iterator[Finding]:
    if not inspection_installed(ctx):
        return
    from dangjian.inspection.models import AcceptanceDecision, Evidence, FindingStatus
    from dangjian.inspection.models import Finding as LedgerFinding

    rows = (
        LedgerFinding.objects.filter(ctx.in_scope(), status=FindingStatus.CLOSED)
        .annotate(
            accepted=Exists(AcceptanceDecision.objects.filter(finding=OuterRef("pk"), accepted=True)),
            evidenced=Exists(
                Evidence.objects.filter(Q(finding=OuterRef("pk")) | Q(measure__finding=OuterRef("pk")))
            ),
        )
        .filter(Q(accepted=False) | Q(evidenced=False))
        .values("pk", "number", "title", "organization_id", "closed_on", "accepted", "evidenced")
    )
    for f in rows:
        missing = [
            label for key, label in (("accepted", "上级验收记录"), ("evidenced", "佐证材料")) if not f[key]
        ]
        yield Finding(
            organization_id=f["organization_id"],
            rule="",
            severity=Severity.ERROR,
            period=ctx.as_of_label,
            message=f"问题“{f['title']}”已于{f['closed_on']:%Y年%m月%d日}销号，但没有{'和'.join(missing)}",
            subjects=(f"inspection.Finding:{f['pk']}",),
            links=(Link(f"问题{f['number']}：{f['title']}", "inspection:finding", (f["pk"],)),),
            period_key="state",
        )
