"""LIFE-011 组织生活会未开展批评与自我批评: life-meeting minutes of the period that do not record
criticism and self-criticism (as content, not only the template's headings)."""

from __future__ import annotations

from collections.abc import Iterator

from dangjian.core.rules import Severity
from dangjian.selfcheck.engine import Context, Finding, Link, rule
from dangjian.selfcheck.rules._common import BRANCH_RULES
from dangjian.selfcheck.rules._life import life_installed


@rule(
    code="LIFE-011",
    title="组织生活会未开展批评与自我批评",
    basis=f"{BRANCH_RULES}第十五条（组织生活会应当开展批评和自我批评）",
    severity=Severity.ERROR,
    category="life",
    reads=("life.Activity",),
)
def check(ctx: Context) -> Iterator[Finding]:
    if not life_installed(ctx):
        return
    from dangjian.life.minutes_templates import has_criticism_and_self_criticism
    from dangjian.life.models import Activity, ActivityKind

    rows = Activity.objects.filter(
        ctx.in_scope(), kind=ActivityKind.LIFE_MEETING, date__gte=ctx.start, date__lte=ctx.end
    ).values("pk", "organization_id", "date", "minutes")
    for a in rows:
        if has_criticism_and_self_criticism(a["minutes"] or ""):
            continue
        title = f"{a['date']:%Y年%m月%d日}组织生活会"
        yield Finding(
            organization_id=a["organization_id"],
            rule="",
            severity=Severity.ERROR,
            period=f"{a['date'].year}年",
            message=f"{title}的会议记录中没有批评与自我批评的内容",
            subjects=(f"life.Activity:{a['pk']}",),
            links=(Link(title, "life:activity", (a["pk"],)),),
        )
