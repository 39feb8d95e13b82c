"""LIFE-010 会议记录缺失或过于简单: an activity of the period whose minutes (without the template's
own lines and whitespace) are shorter than the minimum."""

from __future__ import annotations

from collections.abc import Iterator

from dangjian.core.rules import Severity
from dangjian.selfcheck.engine import Context, Finding, Link, rule
from dangjian.selfcheck.rules._common import BRANCH_RULES
from dangjian.selfcheck.rules._life import life_installed


@rule(
    code="LIFE-010",
    title="会议记录缺失或过于简单",
    basis=f"{BRANCH_RULES}第十九条（如实记录，会议记录完整）",
    severity=Severity.WARNING,
    category="life",
    reads=("life.Activity",),
    defaults={"min_chars": None},
)
def check(ctx: Context) -> Iterator[Finding]:
    if not life_installed(ctx):
        return
    from dangjian.life.minutes_templates import content_length
    from dangjian.life.models import Activity, ActivityKind
    from dangjian.life.rules import minutes_min_chars

    minimum = int(ctx.t("min_chars") or minutes_min_chars())
    labels = dict(ActivityKind.choices)
    rows = Activity.objects.filter(ctx.in_scope(), date__gte=ctx.start, date__lte=ctx.end).values(
        "pk", "organization_id", "kind", "date", "minutes"
    )
    for a in rows:
        length = content_length(a["minutes"] or "", a["kind"])
        if length >= minimum:
            continue
        title = f"{a['date']:%Y年%m月%d日}{labels.get(a['kind'], '活动')}"
        what = "未填写会议记录" if length == 0 else f"会议记录仅{length}字（少于{minimum}字）"
        yield Finding(
            organization_id=a["organization_id"],
            rule="",
            severity=Severity.WARNING,
            period=f"{a['date'].year}年",
            message=f"{title}{what}",
            subjects=(f"life.Activity:{a['pk']}",),
            links=(Link(title, "life:activity", (a["pk"],)),),
        )
