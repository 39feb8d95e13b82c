"""MEM-002 流动党员无联系方式: a floating member with no phone on record."""

from __future__ import annotations

from collections.abc import Iterator

from dangjian.core.rules import Severity
from dangjian.members.models import Member, MemberCategory
from dangjian.selfcheck.engine import Context, Finding, member_link, rule
from dangjian.selfcheck.rules._common import EDUCATION_RULES


@rule(
    code="MEM-002",
    title="流动党员无联系方式",
    basis=f"{EDUCATION_RULES}第二十九条（流动党员管理）",
    severity=Severity.WARNING,
    category="members",
    reads=("members.Member",),
)
def check(ctx: Context) -> Iterator[Finding]:
    rows = (
        Member.objects.filter(ctx.in_scope(), left_on__isnull=True, deceased_on__isnull=True)
        .filter(category=MemberCategory.FLOATING, phone_hmac="")
        .values("pk", "name", "organization_id", "floating_place")
    )
    for m in rows:
        place = "，也未登记流入地/流出地" if not m["floating_place"] else f"（{m['floating_place']}）"
        yield Finding(
            organization_id=m["organization_id"],
            rule="",
            severity=Severity.WARNING,
            period=ctx.as_of_label,
            message=f"流动党员{m['name']}未登记联系电话{place}，无法保持经常联系",
            subjects=(f"members.Member:{m['pk']}",),
            links=(member_link(m["pk"], m["name"]),),
            period_key="state",
        )
