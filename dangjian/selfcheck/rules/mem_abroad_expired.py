"""MEM-003 出国（境）保留组织关系期满未处理."""

from __future__ import annotations

from collections.abc import Iterator

from dangjian.core.rules import Severity
from dangjian.members.models import AbroadStay
from dangjian.selfcheck.engine import Context, Finding, member_link, rule
from dangjian.selfcheck.rules._common import EDUCATION_RULES, day_label


@rule(
    code="MEM-003",
    title="出国（境）党员保留组织关系期满未处理",
    basis=f"{EDUCATION_RULES}；中组部关于出国（境）党员保留组织关系的规定（一般不超过5年）",
    severity=Severity.ERROR,
    category="members",
    reads=("members.AbroadStay", "members.Member"),
)
def check(ctx: Context) -> Iterator[Finding]:
    on = ctx.as_of
    rows = (
        AbroadStay.objects.filter(ctx.in_scope("member__organization__path"), returned_on__isnull=True)
        .filter(kept_until__lt=on, member__left_on__isnull=True, member__deceased_on__isnull=True)
        .values("pk", "member_id", "member__name", "member__organization_id", "destination", "kept_until")
    )
    for s in rows:
        yield Finding(
            organization_id=s["member__organization_id"],
            rule="",
            severity=Severity.ERROR,
            period=ctx.as_of_label,
            message=(
                f"{s['member__name']}出国（境）（{s['destination']}），保留组织关系已于{day_label(s['kept_until'])}"
                "期满，尚未回国恢复组织生活或按规定停止党籍"
            ),
            subjects=(f"members.AbroadStay:{s['pk']}",),
            links=(member_link(s["member_id"], s["member__name"]),),
            period_key="state",
        )
