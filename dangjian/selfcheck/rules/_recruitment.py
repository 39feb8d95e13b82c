"""Shared by the recruitment and election rules: the checks of those apps, run once per self-check
over every file and election of the subtree (a fixed number of queries, whatever their number).

The rules themselves live in the apps (dangjian.recruitment.timeline.check and
dangjian.elections.validity.evaluate); the self-check only gathers their verdicts by rule group."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Q

from dangjian.selfcheck.engine import Context, Finding, Link

# Violation codes of dangjian.recruitment.timeline grouped into the self-check's rules.
RECRUITMENT_DOCUMENTS = {"REC-DOCUMENT", "REC-SPONSORS"}
RECRUITMENT_BOOK = {"REC-BOOK-GAP"}


def installed(ctx: Context, app: str, label: str) -> bool:
    if apps.is_installed(app):
        return True
    ctx.note(f"未安装{label}模块，{label}类规则未检查")
    return False


def recruitment_views(ctx: Context) -> list[Any]:
    """Files of the subtree that are open, or that had a step inside the period."""
    from dangjian.recruitment.models import FileStatus, Recruitment
    from dangjian.recruitment.selectors import file_views

    def compute() -> list[Any]:
        files = Recruitment.objects.filter(ctx.in_scope()).filter(
            Q(status=FileStatus.ACTIVE) | Q(steps__date__range=(ctx.start, ctx.end))
        )
        ids = files.values("pk").distinct()
        return file_views(Recruitment.objects.filter(pk__in=ids).order_by("pk"), ctx.as_of)

    return ctx.cached("recruitment_views", compute)


def recruitment_findings(ctx: Context, include: Any) -> list[Finding]:
    """One finding per file and violation code that `include(code)` selects."""
    out = []
    for view in recruitment_views(ctx):
        f = view.file
        for v in view.violations:
            if not include(v.code):
                continue
            out.append(
                Finding(
                    organization_id=f.organization_id,
                    rule="",
                    severity=v.severity,
                    period=ctx.as_of_label,
                    message=f"{f.name}的发展党员档案：{v.message}",
                    subjects=(f"recruitment.Recruitment:{f.pk}", f"violation:{v.code}:{v.step or 0}"),
                    links=(Link(f"{f.name}的发展档案", "recruitment:detail", (f.pk,)),),
                    data={"code": v.code, "step": v.step, "basis": v.basis},
                    period_key="state",
                )
            )
    return out


def election_findings(ctx: Context, include: Any) -> list[Finding]:
    """One finding per election held in the period whose failed checks `include(code)` selects."""
    from dangjian.elections.models import Election
    from dangjian.elections.services import outcomes

    def compute() -> tuple[list[Any], dict[int, Any]]:
        elections = Election.objects.filter(ctx.in_scope(), held_on__range=(ctx.start, ctx.end)).order_by(
            "pk"
        )
        rows = list(elections.select_related("organization"))
        return rows, outcomes(elections)

    rows, results = ctx.cached("election_outcomes", compute)
    out = []
    for e in rows:
        failures = [x for x in results[e.pk].failures if include(x.code)]
        if not failures:
            continue
        out.append(
            Finding(
                organization_id=e.organization_id,
                rule="",
                severity="error",
                period=f"{e.held_on.year}年",
                message=f"{e.held_on.year}年{e.held_on.month}月{e.held_on.day}日换届选举："
                + "；".join(x.message for x in failures),
                subjects=(f"elections.Election:{e.pk}",),
                links=(Link(f"{e.organization.name}换届选举记录", "elections:detail", (e.pk,)),),
                data={"codes": [x.code for x in failures]},
            )
        )
    return out
