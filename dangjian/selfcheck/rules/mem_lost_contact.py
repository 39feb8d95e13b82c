"""MEM-001 失联党员无跟进记录: lost contact for N months or more, and no talk (or other follow-up
record) with the member in the last M months."""

from __future__ import annotations

from collections.abc import Iterator

from django.apps import apps

from dangjian.core.rules import Severity
from dangjian.core.rules import rule as domain_rule
from dangjian.lib.periods import add_months
from dangjian.members.models import Member
from dangjian.selfcheck.engine import Context, Finding, member_link, rule
from dangjian.selfcheck.rules._common import EDUCATION_RULES, day_label


@rule(
    code="MEM-001",
    title="失联党员无跟进记录",
    basis=f"{EDUCATION_RULES}第三十条（失联党员）",
    severity=Severity.WARNING,
    category="members",
    reads=("members.Member", "life.Talk"),
    defaults={"months": None, "follow_up_months": 6},
)
def check(ctx: Context) -> Iterator[Finding]:
    months = int(ctx.t("months") or domain_rule("lost_contact_months"))
    on = ctx.as_of
    lost = list(
        Member.objects.filter(ctx.in_scope(), left_on__isnull=True, deceased_on__isnull=True)
        .filter(lost_contact_since__lte=add_months(on, -months))
        .values("pk", "name", "organization_id", "lost_contact_since")
    )
    if not lost:
        return
    window_start = add_months(on, -int(ctx.t("follow_up_months")))
    followed: set[int] = set()
    if apps.is_installed("dangjian.life"):
        from dangjian.life.models import Talk

        ids = {m["pk"] for m in lost}
        for a, b in Talk.objects.filter(ctx.in_scope(), date__gte=window_start, date__lte=on).values_list(
            "participant_a_id", "participant_b_id"
        ):
            followed.update({a, b} & ids)
    else:
        ctx.note("未安装组织生活模块，失联党员的跟进记录（谈心谈话）未核对")
    for m in lost:
        if m["pk"] in followed:
            continue
        since = m["lost_contact_since"]
        span = (on.year - since.year) * 12 + on.month - since.month
        yield Finding(
            organization_id=m["organization_id"],
            rule="",
            severity=Severity.WARNING,
            period=ctx.as_of_label,
            message=f"{m['name']}自{day_label(since)}失联，已{span}个月，近{ctx.t('follow_up_months')}个月无谈心谈话等跟进记录",
            subjects=(f"members.Member:{m['pk']}",),
            links=(member_link(m["pk"], m["name"]),),
            period_key="state",
        )
