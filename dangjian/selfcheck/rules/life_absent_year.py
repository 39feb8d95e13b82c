"""LIFE-014 党员一年未参加组织生活: a member on the list of several activities in the twelve months
before the as-of day who attended none. Elderly and housebound members are shown as such (a reason,
to be followed up with home visits and distance learning rather than as a breach)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Q

from dangjian.core.rules import Severity
from dangjian.lib.periods import add_months
from dangjian.selfcheck.engine import Context, Finding, member_link, rule
from dangjian.selfcheck.rules._common import CONSTITUTION, EDUCATION_RULES
from dangjian.selfcheck.rules._life import life_installed


@rule(
    code="LIFE-014",
    title="党员连续一年未参加组织生活",
    basis=f"{CONSTITUTION}第九条；{EDUCATION_RULES}第三十一条",
    severity=Severity.WARNING,
    category="life",
    reads=("life.Attendance", "members.Member"),
    defaults={"months": 12, "min_expected": 3},
)
def check(ctx: Context) -> Iterator[Finding]:
    if not life_installed(ctx):
        return
    from dangjian.life.models import Attendance

    on = ctx.as_of
    since = add_months(on, -int(ctx.t("months")))
    rows = (
        Attendance.objects.filter(
            ctx.in_scope("member__organization__path"),
            # the subtree's activities only (also what lets the index on (organization, date) serve)
            ctx.in_scope("activity__organization__path"),
            activity__date__gt=since,
            activity__date__lte=on,
            member__left_on__isnull=True,
            member__deceased_on__isnull=True,
        )
        .values(
            "member_id",
            "member__name",
            "member__organization_id",
            "member__elderly",
            "member__mobility_impaired",
            "member__lost_contact_since",
        )
        .annotate(expected=Count("id"), attended=Count("id", filter=Q(attended=True)))
        .filter(attended=0, expected__gte=int(ctx.t("min_expected")))
        .order_by()
    )
    for r in rows:
        flags = [
            label
            for key, label in (("member__elderly", "高龄"), ("member__mobility_impaired", "行动不便"))
            if r[key]
        ]
        if r["member__lost_contact_since"]:
            flags.append("失联")
        note = f"（{'、'.join(flags)}党员，宜送学上门、加强走访）" if flags else ""
        yield Finding(
            organization_id=r["member__organization_id"],
            rule="",
            severity=Severity.WARNING,
            period=ctx.as_of_label,
            message=f"{r['member__name']}近{ctx.t('months')}个月应参加{r['expected']}次组织生活，一次未参加{note}",
            subjects=(f"members.Member:{r['member_id']}",),
            links=(member_link(r["member_id"], r["member__name"]),),
            data={"flags": flags},
        )
