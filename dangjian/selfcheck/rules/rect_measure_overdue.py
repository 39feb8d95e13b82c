"""RECT-001 整改措施逾期未完成: a measure still not started or in progress past its deadline."""

from __future__ import annotations

from collections.abc import Iterator

from dangjian.core.rules import Severity
from dangjian.selfcheck.engine import Context, Finding, Link, rule
from dangjian.selfcheck.rules._common import INSPECTION_RULES, day_label
from dangjian.selfcheck.rules._rect import inspection_installed


@rule(
    code="RECT-001",
    title="整改措施逾期未完成",
    basis=f"{INSPECTION_RULES}第三十五条（整改情况报告）；整改台账明确整改时限",
    severity=Severity.ERROR,
    category="rectification",
    reads=("inspection.RectificationMeasure", "inspection.Finding"),
)
def check(ctx: Context) -> Iterator[Finding]:
    if not inspection_installed(ctx):
        return
    from dangjian.inspection.models import UNFINISHED, RectificationMeasure

    rows = RectificationMeasure.objects.filter(
        ctx.in_scope("finding__organization__path"), status__in=UNFINISHED, due__lt=ctx.as_of
    ).values(
        "pk",
        "number",
        "text",
        "due",
        "owner_name",
        "finding_id",
        "finding__number",
        "finding__title",
        "finding__organization_id",
    )
    for m in rows:
        days = (ctx.as_of - m["due"]).days
        yield Finding(
            organization_id=m["finding__organization_id"],
            rule="",
            severity=Severity.ERROR,
            period=ctx.as_of_label,
            message=(
                f"问题“{m['finding__title']}”的整改措施{m['number']}（{m['text'][:30]}）整改时限{day_label(m['due'])}，"
                f"已逾期{days}天未完成（责任人：{m['owner_name']}）"
            ),
            subjects=(f"inspection.RectificationMeasure:{m['pk']}",),
            links=(
                Link(
                    f"问题{m['finding__number']}：{m['finding__title']}",
                    "inspection:finding",
                    (m["finding_id"],),
                ),
            ),
            period_key="state",
        )
