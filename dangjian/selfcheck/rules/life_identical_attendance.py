"""LIFE-012 不同会议出席名单完全相同: two or more activities on different days with exactly the same
list (who attended, who was absent and why), some absence included, in a branch large enough that
this does not happen by chance — a list copied from one record to the next."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from dangjian.core.rules import Severity
from dangjian.selfcheck.engine import Context, Finding, Link, rule
from dangjian.selfcheck.rules._common import BRANCH_RULES
from dangjian.selfcheck.rules._life import life_installed


@rule(
    code="LIFE-012",
    title="不同会议出席名单完全相同",
    basis=f"{BRANCH_RULES}第十九条（如实记录出席情况）",
    severity=Severity.ERROR,
    category="life",
    reads=("life.Attendance", "life.Activity"),
    defaults={"min_expected": 6, "min_absent": 1},
)
def check(ctx: Context) -> Iterator[Finding]:
    if not life_installed(ctx):
        return
    from dangjian.life.models import ActivityKind, Attendance

    lists: dict[int, list[tuple[int, bool, str]]] = defaultdict(list)
    meta: dict[int, tuple[int, object, str]] = {}
    rows = (
        Attendance.objects.filter(
            ctx.in_scope("activity__organization__path"),
            activity__date__gte=ctx.start,
            activity__date__lte=ctx.end,
        )
        .values_list(
            "activity_id",
            "member_id",
            "attended",
            "absence_reason",
            "activity__organization_id",
            "activity__date",
            "activity__kind",
        )
        .order_by()
    )
    for activity_id, member_id, attended, reason, org_id, date, kind in rows:
        lists[activity_id].append((member_id, attended, reason))
        meta[activity_id] = (org_id, date, kind)
    groups: dict[tuple[int, tuple[tuple[int, bool, str], ...]], list[int]] = defaultdict(list)
    for activity_id, items in lists.items():
        absent = sum(1 for _, attended, _ in items if not attended)
        if len(items) < int(ctx.t("min_expected")) or absent < int(ctx.t("min_absent")):
            continue
        groups[(meta[activity_id][0], tuple(sorted(items)))].append(activity_id)
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
                f"{len(ids)}次会议的出席名单完全相同（应到{len(items)}人，缺席{absent}人且缺席人员和原因一致）："
                + "、".join(titles[:6])
                + ("等" if len(titles) > 6 else "")
            ),
            subjects=tuple(f"life.Activity:{i}" for i in ids),
            links=tuple(Link(t, "life:activity", (i,)) for t, i in zip(titles[:6], ids[:6], strict=False)),
        )
