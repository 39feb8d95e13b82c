"""MEM-004 组织关系转接逾期未报到: the report deadline of a transfer passed with no report, or the
report came after it."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import F, Q

from dangjian.core.rules import Severity
from dangjian.members.models import Transfer
from dangjian.selfcheck.engine import Context, Finding, member_link, rule
from dangjian.selfcheck.rules._common import EDUCATION_RULES, day_label


@rule(
    code="MEM-004",
    title="组织关系转接逾期未报到",
    basis=f"{EDUCATION_RULES}第二十七条；中组部《关于党员组织关系转接工作的规定》（一般3个月内报到）",
    severity=Severity.WARNING,
    category="members",
    reads=("members.Transfer", "members.Member"),
)
def check(ctx: Context) -> Iterator[Finding]:
    on = ctx.as_of
    pending = Q(reported_on__isnull=True, report_by__lt=on)
    late = Q(
        reported_on__isnull=False, reported_on__gt=F("report_by"), report_by__gte=ctx.start, report_by__lte=on
    )
    rows = (
        Transfer.objects.filter(ctx.in_scope("member__organization__path"), report_by__isnull=False)
        .filter(pending | late)
        .values(
            "pk",
            "member_id",
            "member__name",
            "member__organization_id",
            "direction",
            "date",
            "report_by",
            "reported_on",
            "counterpart",
        )
    )
    labels = dict(Transfer._meta.get_field("direction").choices)  # type: ignore[arg-type]
    for t in rows:
        what = f"{labels.get(t['direction'], '')}（{day_label(t['date'])}{('，' + t['counterpart']) if t['counterpart'] else ''}）"
        if t["reported_on"] is None:
            message = (
                f"{t['member__name']}组织关系{what}，报到期限{day_label(t['report_by'])}已过，尚无报到记录"
            )
        else:
            message = (
                f"{t['member__name']}组织关系{what}，报到期限{day_label(t['report_by'])}，"
                f"实际{day_label(t['reported_on'])}报到，逾期{(t['reported_on'] - t['report_by']).days}天"
            )
        yield Finding(
            organization_id=t["member__organization_id"],
            rule="",
            severity=Severity.WARNING,
            period=ctx.as_of_label,
            message=message,
            subjects=(f"members.Transfer:{t['pk']}",),
            links=(member_link(t["member_id"], t["member__name"]),),
            period_key="state",
        )
