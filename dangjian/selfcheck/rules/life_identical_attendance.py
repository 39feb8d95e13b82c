"""LIFE-012 不同会议出席名单完全相同: two or more activities on different days with exactly the same
list (who attended, who was absent and why), some absence included, in a branch large enough that
this does not happen by chance — a list copied from one record to the next.

Standing absences (a housebound or abroad member, a floating member working away, absent from every
meeting for the same reason) are left out of the comparison: they repeat by nature, and a list is suspicious only when the same
occasional absences (sick, away, at work …) recur unchanged."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from dangjian.core.rules import Severity
from dangjian.members.models import Member
from dangjian.selfcheck.engine import Context, Finding, Link, rule
from dangjian.selfcheck.rules._common import BRANCH_RULES
from dangjian.selfcheck.rules._life import attendance_lists, life_installed


@rule(
    code="LIFE-012",
    title="不同会议出席名单完全相同",
    basis=f"{BRANCH_RULES}第十九条（如实记录出席情况）",
    severity=Severity.ERROR,
    category="life",
    reads=("life.Attendance", "life.Activity", "members.Member"),
    # Two occasional absences at least: in a group of eight where one elderly member is often ill, the
    # same single absence recurs by chance; the same two or more absences with the same reasons do not.
    defaults={"min_expected": 8, "min_absent": 2, "standing_reasons": ["mobility", "abroad"]},
)
def check(ctx: Context) -> Iterator[Finding]:
    if not life_installed(ctx):
        return
    from dangjian.life.models import ActivityKind

    lists: dict[int, list[tuple[int, bool, str]]] = defaultdict(list)
    standing = set(ctx.t("standing_reasons"))
    lists_of = attendance_lists(ctx)
    meta = lists_of.activities  # activity -> (organization, date, kind)
    away = set(  # attendees who are floating members working away: "away" is a standing absence for them
        Member.objects.filter(
            ctx.in_scope("attendances__activity__organization__path"),
            floating_direction="outbound",
            attendances__activity__date__gte=ctx.start,
            attendances__activity__date__lte=ctx.end,
        ).values_list("pk", flat=True)
    )
    for activity_id, member_id, attended, reason, note in lists_of.rows:
        if not attended and (reason in standing or (reason == "away" and member_id in away)):
            reason, note = "standing", ""
        lists[activity_id].append((member_id, attended, f"{reason}:{note}"))
    groups: dict[tuple[int, tuple[tuple[int, bool, str], ...]], list[int]] = defaultdict(list)
    for activity_id, items in lists.items():
        occasional = [i for i in items if i[2] != "standing:"]
        absent = sum(1 for _, attended, _ in occasional if not attended)
        if len(items) < int(ctx.t("min_expected")) or absent < int(ctx.t("min_absent")):
            continue
        groups[(meta[activity_id][0], tuple(sorted(occasional)))].append(activity_id)
    labels = dict(ActivityKind.choices)
    for (org_id, items), ids in groups.items():
        ids.sort(key=lambda i: (meta[i][1], i))
        days = {meta[i][1] for i in ids}
        if len(days) < 2:
            continue
        titles = [f"{meta[i][1]:%Y年%m月%d日}{labels.get(meta[i][2], '活动')}" for i in ids]
        absent = sum(1 for _, attended, _ in items if not attended)
        last = meta[ids[-1]][1]
        yield Finding(
            organization_id=org_id,
            rule="",
            severity=Severity.ERROR,
            period=f"{last.year}年",
            message=(
                f"{len(ids)}次会议的出席名单完全相同（缺席{absent}人且缺席人员和原因一致；"
                "长期行动不便、出国（境）、外出流动缺席的不计）："
                + "、".join(titles[:6])
                + ("等" if len(titles) > 6 else "")
            ),
            subjects=tuple(f"life.Activity:{i}" for i in ids),
            links=tuple(Link(t, "life:activity", (i,)) for t, i in zip(titles[:6], ids[:6], strict=False)),
        )
