"""MEM-005 预备期满未讨论转正: a probationary member a year (plus the allowed extension) after
admission, still probationary."""

from __future__ import annotations

from collections.abc import Iterator

from dangjian.core.rules import Severity
from dangjian.lib.periods import add_months
from dangjian.members.models import Member, MemberStatus
from dangjian.selfcheck.engine import Context, Finding, member_link, rule
from dangjian.selfcheck.rules._common import RECRUITMENT_RULES, day_label


@rule(
    code="MEM-005",
    title="预备期满未及时讨论转正",
    basis=f"{RECRUITMENT_RULES}第三十四条（预备期一年，期满及时讨论转正）",
    severity=Severity.ERROR,
    category="members",
    reads=("members.Member",),
    defaults={"probation_months": 12, "grace_days": 30},
)
def check(ctx: Context) -> Iterator[Finding]:
    on = ctx.as_of
    months = int(ctx.t("probation_months"))
    import datetime as dt

    latest_admission = add_months(on - dt.timedelta(days=int(ctx.t("grace_days"))), -months)
    rows = (
        Member.objects.filter(ctx.in_scope(), left_on__isnull=True, deceased_on__isnull=True)
        .filter(status=MemberStatus.PROBATIONARY, joined_on__lt=latest_admission)
        .values("pk", "name", "organization_id", "joined_on")
    )
    for m in rows:
        due = add_months(m["joined_on"], months)
        yield Finding(
            organization_id=m["organization_id"],
            rule="",
            severity=Severity.ERROR,
            period=ctx.as_of_label,
            message=f"{m['name']}于{day_label(m['joined_on'])}接收为预备党员，预备期已于{day_label(due)}期满，仍未讨论转正",
            subjects=(f"members.Member:{m['pk']}",),
            links=(member_link(m["pk"], m["name"]),),
            period_key="state",
        )
