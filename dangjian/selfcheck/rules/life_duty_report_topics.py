"""LIFE-015 述职报告缺少必述内容: a secretary's duty report of the period that does not mention a
required topic (意识形态工作责任制 by default; configurable: {"topics": {"名称": ["关键词", …]}})."""

from __future__ import annotations

from collections.abc import Iterator

from dangjian.core.rules import Severity
from dangjian.selfcheck.engine import Context, Finding, Link, rule
from dangjian.selfcheck.rules._life import life_installed


@rule(
    code="LIFE-015",
    title="书记述职报告缺少必述内容（如意识形态工作）",
    basis="《党委（党组）意识形态工作责任制实施办法》（意识形态工作纳入述职）；巡察常见问题",
    severity=Severity.WARNING,
    category="life",
    reads=("life.DutyReport",),
    defaults={"topics": {"意识形态工作责任制": ["意识形态"]}},
)
def check(ctx: Context) -> Iterator[Finding]:
    if not life_installed(ctx):
        return
    from dangjian.life.models import DutyReport

    topics: dict[str, list[str]] = ctx.t("topics")
    rows = DutyReport.objects.filter(ctx.in_scope(), year__gte=ctx.start.year, year__lte=ctx.end.year).values(
        "pk", "organization_id", "year", "text", "secretary__name"
    )
    for r in rows:
        text = r["text"] or ""
        missing = [topic for topic, words in topics.items() if not any(w in text for w in words)]
        if not missing:
            continue
        title = f"{r['year']}年度书记述职报告（{r['secretary__name']}）"
        yield Finding(
            organization_id=r["organization_id"],
            rule="",
            severity=Severity.WARNING,
            period=f"{r['year']}年",
            message=f"{title}未提及{'、'.join(missing)}",
            subjects=(f"life.DutyReport:{r['pk']}",),
            links=(Link(title, "life:duty_reports", (r["organization_id"],)),),
        )
