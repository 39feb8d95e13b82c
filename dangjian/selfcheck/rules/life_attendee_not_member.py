"""LIFE-013 出席名单与党员名册不符: an activity's list names a member who did not belong to the
organization (or, for a group, to its branch) on the day of the activity."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from django.db.models import Q

from dangjian.core.rules import Severity
from dangjian.members.models import Member, Membership
from dangjian.selfcheck.engine import Context, Finding, Link, rule
from dangjian.selfcheck.rules._common import BRANCH_RULES
from dangjian.selfcheck.rules._life import attendance_lists, life_installed


@rule(
    code="LIFE-013",
    title="出席名单与党员名册不符",
    basis=f"{BRANCH_RULES}第十九条（如实记录应到、实到人数）",
    severity=Severity.ERROR,
    category="life",
    reads=("life.Attendance", "life.Activity", "members.Membership", "members.Member"),
)
def check(ctx: Context) -> Iterator[Finding]:
    if not life_installed(ctx):
        return
    periods: dict[int, list[tuple[str, object, object]]] = defaultdict(list)
    for member_id, path, since, until in (
        Membership.objects.filter(ctx.in_scope(), since__lte=ctx.end)
        .filter(Q(until__isnull=True) | Q(until__gte=ctx.start))
        .values_list("member_id", "organization__path", "since", "until")
    ):
        periods[member_id].append((path, since, until))
    bad: dict[int, list[int]] = defaultdict(list)
    homes: dict[int, str] = {}  # organization -> the path a member must belong under
    lists_of = attendance_lists(ctx)
    for activity_id, member_id, *_ in lists_of.rows:
        org_id, day, _ = lists_of.activities[activity_id]
        home = homes.get(org_id)
        if home is None:
            org = ctx.orgs[org_id]
            home = homes[org_id] = org.path.rsplit("/", 2)[0] + "/" if org.kind == "group" else org.path
        if not any(
            p.startswith(home) and since <= day and (until is None or until >= day)
            for p, since, until in periods.get(member_id, [])
        ):
            bad[activity_id].append(member_id)
    names = dict(
        Member.objects.filter(pk__in={m for people in bad.values() for m in people}).values_list("pk", "name")
    )
    for activity_id, people in bad.items():
        org_id, day, _ = lists_of.activities[activity_id]
        title = f"{day:%Y年%m月%d日}活动"
        yield Finding(
            organization_id=org_id,
            rule="",
            severity=Severity.ERROR,
            period=f"{day.year}年",
            message=f"{title}的出席名单中有{len(people)}人当日不是本组织党员："
            + "、".join(names.get(m, "") for m in people[:8]),
            subjects=(f"life.Activity:{activity_id}",),
            links=(Link(title, "life:activity", (activity_id,)),),
        )
