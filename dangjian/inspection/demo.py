"""Demo data, inspection and rectification: for some communities, two past rounds of district inspection
modelled on seed 002. Round 1 (about two years ago) raised a subset of seed 002's problems, most of them
closed since; round 2 (feedback about five months ago) raised all sixteen, with measures in every status:
accepted, done awaiting acceptance, in progress, not started, long-term; some overdue, some due within
the reminder window. Three round-2 problems are linked as repeating round 1 (recurring); three more are
similar but left unlinked, for the look-back proposals to find. Planted problems go to ctx.notes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from simple_history.utils import bulk_create_with_history

from dangjian.inspection.models import (
    AcceptanceDecision,
    Finding,
    FindingSeverity,
    FindingSource,
    FindingStatus,
    Inspection,
    MeasureProgress,
    MeasureStatus,
    RectificationMeasure,
)
from dangjian.inspection.seed002 import PROBLEMS, ROUND
from dangjian.lib.names import person_name

S = MeasureStatus
MAX_COMMUNITIES = 4

# Round 1 raised these problems, worded as an earlier team would have put them.
ROUND1: dict[int, tuple[str, str]] = {
    2: (
        "理论学习不深入",
        "社区综合党委理论学习流于形式，没有把党的创新理论学习作为指导实践的重要依据，学用结合不够。",
    ),
    3: ("制度执行不到位", "社区综合党委会会议记录、组织生活会记录不全，党委会会议记录与党支部会议记录混用。"),
    8: (
        "意识形态工作责任制落实不到位",
        "社区综合党委书记述职材料中未提及意识形态工作责任制内容，意识形态工作氛围不浓。",
    ),
    11: (
        "党员发展制度执行不严格",
        "有的党员培养考察写实簿中培养考察时间空缺，培养考察写实簿交由预备党员本人保管。",
    ),
    13: ("党建档案管理不规范", "有的党支部“三会一课”记录不完整、前后不一致，部分社区党建材料雷同。"),
    14: ("组织生活不严肃", "有的党支部谈心谈话记录内容一致；组织生活会没有开展批评与自我批评。"),
    15: ("党员参加组织生活积极性不高", "组织生活内容和形式单一，以学习上级文件为主，缺少吸引力。"),
}
LINKED = (2, 13, 14)  # round-2 problems confirmed as repeating round 1
UNLINKED_SIMILAR = (3, 11, 15)  # left for the look-back proposals (8 is reworded beyond the threshold)
ROUND1_STILL_OPEN = 13  # its round-1 rectification never finished: the recurrence is no accident


def _owner(ctx: Any, community: Any, members: list[Any]) -> tuple[str, Any]:
    if members and ctx.rng.random() < 0.6:
        member = ctx.rng.choice(members)
        return member.name, member
    return person_name(ctx.rng, "F" if ctx.rng.random() < 0.6 else "M", ctx.rng.randint(1968, 1992)), None


def _units(community: Any, branches: list[Any]) -> list[str]:
    return [community.name, f"{community.name}党建办", "街道党建工作办公室"] + [b.name for b in branches[:3]]


def build(ctx: Any) -> None:
    communities = ctx.communities()[:MAX_COMMUNITIES]
    if not communities:
        return
    today: dt.date = ctx.today
    actor = ctx.actor
    by_parent: dict[int, list[Any]] = {}
    for org in ctx.organizations:
        by_parent.setdefault(org.parent_id, []).append(org)
    paths = {c.pk: c.path for c in communities}
    org_by_id = {o.pk: o for o in ctx.organizations}
    members_of: dict[int, list[Any]] = {c.pk: [] for c in communities}
    for m in ctx.members:
        if getattr(m, "left_on", None) or getattr(m, "deceased_on", None):
            continue
        org = org_by_id.get(m.organization_id)
        if org is None:
            continue
        for cid, path in paths.items():
            if org.path.startswith(path):
                members_of[cid].append(m)

    feedback2 = today - dt.timedelta(days=150)
    feedback1 = feedback2 - dt.timedelta(days=720)
    rounds: list[Inspection] = []
    for k, community in enumerate(communities):
        for name, feedback in (("十二届区委第五轮巡察", feedback1), ("十二届区委第八轮巡察", feedback2)):
            fb = feedback + dt.timedelta(days=k)
            rounds.append(
                Inspection(
                    name=f"{name}（{community.name}）",
                    committee=ROUND["committee"],
                    team=ROUND["team"],
                    organization=community,
                    onsite_from=fb - dt.timedelta(days=142),
                    onsite_to=fb - dt.timedelta(days=55),
                    feedback_on=fb,
                    # round 2 has seed 002's sixteen problems and its overall-work text; round 1 leaves the
                    # notice's first part as a marked placeholder, and round 2 its third part.
                    overall_work=ROUND["overall_work"] if name.endswith("第八轮巡察") else "",
                    consolidation="" if name.endswith("第八轮巡察") else ROUND["consolidation"],
                    contact="",
                    created_by=actor,
                )
            )
    rounds = bulk_create_with_history(rounds, Inspection, default_user=actor)
    Through = Inspection.inspected.through
    Through.objects.bulk_create(
        [Through(inspection_id=r.pk, organization_id=r.organization_id) for r in rounds]
    )

    # ---- findings
    first: list[Finding] = []
    for k, community in enumerate(communities):
        r1 = rounds[2 * k]
        for number, (title, description) in sorted(ROUND1.items()):
            problem = next(p for p in PROBLEMS if p.number == number)
            first.append(
                Finding(
                    inspection=r1,
                    source=FindingSource.INSPECTION,
                    organization=community,
                    aspect=problem.aspect,
                    category=problem.category,
                    number=len([f for f in first if f.inspection is r1]) + 1,
                    title=title,
                    description=description,
                    severity=FindingSeverity.GENERAL,
                    found_on=r1.feedback_on,
                    created_by=actor,
                )
            )
    first = bulk_create_with_history(first, Finding, default_user=actor)
    first_by = {(f.inspection_id, f.title): f for f in first}

    second: list[Finding] = []
    for k, community in enumerate(communities):
        r1, r2 = rounds[2 * k], rounds[2 * k + 1]
        for problem in PROBLEMS:
            repeats = None
            if problem.number in LINKED:
                repeats = first_by[(r1.pk, ROUND1[problem.number][0])]
            second.append(
                Finding(
                    inspection=r2,
                    source=FindingSource.INSPECTION,
                    organization=community,
                    aspect=problem.aspect,
                    category=problem.category,
                    number=problem.number,
                    title=problem.title,
                    description=problem.description,
                    severity=FindingSeverity.SERIOUS
                    if problem.number in (13, 16)
                    else FindingSeverity.GENERAL,
                    found_on=r2.feedback_on,
                    repeats=repeats,
                    created_by=actor,
                )
            )
    second = bulk_create_with_history(second, Finding, default_user=actor)

    # ---- measures, with a status plan per finding
    measures: list[RectificationMeasure] = []
    plan: list[tuple[RectificationMeasure, list[tuple[dt.date, str, str]]]] = []  # measure -> status changes
    closing: dict[int, dt.date] = {}  # finding pk -> acceptance date
    refused: list[tuple[Finding, dt.date]] = []

    def add(
        finding: Finding,
        community: Any,
        number: int,
        text: str,
        due: dt.date,
        changes: list[tuple[dt.date, str, str]],
    ) -> None:
        owner, member = _owner(ctx, community, members_of[community.pk])
        status = changes[-1][1] if changes else S.NOT_STARTED
        completed = (
            next((d for d, s, _ in changes if s == S.DONE), None) if status in (S.DONE, S.ACCEPTED) else None
        )
        measure = RectificationMeasure(
            finding=finding,
            number=number,
            text=text,
            owner_name=owner,
            owner_member=member,
            owner_unit=ctx.rng.choice(
                _units(community, [o for o in by_parent.get(community.pk, []) if o.kind == "branch"])
            ),
            due=due,
            status=status,
            completed_on=completed,
        )
        measures.append(measure)
        plan.append((measure, changes))

    for k, community in enumerate(communities):
        r1 = rounds[2 * k]
        plan_day = r1.plan_due or r1.feedback_on
        for f in [f for f in first if f.inspection_id == r1.pk]:
            texts = next(p for p in PROBLEMS if p.number == _seed_number(f.title)).measures
            for i, text in enumerate(texts, start=1):
                due = plan_day + dt.timedelta(days=60 + 30 * i)
                done_on = due - dt.timedelta(days=ctx.rng.randint(0, 20))
                if _seed_number(f.title) == ROUND1_STILL_OPEN and i == len(texts):
                    changes = [
                        (plan_day, S.NOT_STARTED, "制定整改措施"),
                        (plan_day + dt.timedelta(days=10), S.IN_PROGRESS, "已部署"),
                    ]
                elif _seed_number(f.title) == 15 and i == 1:
                    changes = [
                        (plan_day, S.NOT_STARTED, "制定整改措施"),
                        (done_on, S.LONG_TERM, "纳入长效机制，长期坚持"),
                    ]
                else:
                    changes = [
                        (plan_day, S.NOT_STARTED, "制定整改措施"),
                        (plan_day + dt.timedelta(days=7), S.IN_PROGRESS, "已部署"),
                        (done_on, S.DONE, "已完成，佐证材料已归档"),
                        (done_on + dt.timedelta(days=14), S.ACCEPTED, "验收销号"),
                    ]
                add(f, community, i, text, due, changes)
            # a finding closes only when every measure is accepted
            statuses = [c[-1][1] for m, c in plan if m.finding is f]
            if statuses and all(s == S.ACCEPTED for s in statuses):
                closing[f.pk] = max(c[-1][0] for m, c in plan if m.finding is f)

    kinds = ["accepted", "done", "overdue", "soon", "progress", "not_started", "long_term", "refused"]
    for k, community in enumerate(communities):
        r2 = rounds[2 * k + 1]
        plan_day = r2.plan_due or r2.feedback_on
        for f in [f for f in second if f.inspection_id == r2.pk]:
            problem = next(p for p in PROBLEMS if p.number == f.number)
            kind = kinds[(f.number + k) % len(kinds)]
            for i, text in enumerate(problem.measures, start=1):
                start = [(plan_day, S.NOT_STARTED, "制定整改措施")]
                working = [*start, (plan_day + dt.timedelta(days=5), S.IN_PROGRESS, "已部署，正在推进")]
                if kind == "accepted":
                    due = today - dt.timedelta(days=ctx.rng.randint(10, 60))
                    done = due - dt.timedelta(days=ctx.rng.randint(1, 15))
                    changes = [
                        *working,
                        (done, S.DONE, "已完成"),
                        (min(today, done + dt.timedelta(days=7)), S.ACCEPTED, "验收销号"),
                    ]
                elif kind == "done":
                    due = today + dt.timedelta(days=ctx.rng.randint(5, 40))
                    changes = [
                        *working,
                        (today - dt.timedelta(days=ctx.rng.randint(1, 10)), S.DONE, "已完成，提交验收"),
                    ]
                elif kind == "overdue":
                    due = today - dt.timedelta(days=ctx.rng.randint(3, 45))
                    changes = working
                elif kind == "soon":
                    due = today + dt.timedelta(days=ctx.rng.randint(0, 6))
                    changes = working
                elif kind == "progress":
                    due = today + dt.timedelta(days=ctx.rng.randint(20, 120))
                    changes = working
                elif kind == "not_started":
                    due = (
                        today + dt.timedelta(days=ctx.rng.randint(30, 150))
                        if i > 1
                        else today - dt.timedelta(days=ctx.rng.randint(1, 20))
                    )
                    changes = start
                elif kind == "long_term":
                    due = today - dt.timedelta(days=ctx.rng.randint(5, 60))
                    changes = [*working, (due, S.LONG_TERM, "已建立长效机制，长期坚持")]
                else:  # refused once at acceptance, back in progress
                    due = today + dt.timedelta(days=ctx.rng.randint(10, 30))
                    done = today - dt.timedelta(days=20)
                    changes = [
                        *working,
                        (done, S.DONE, "已完成"),
                        (done + dt.timedelta(days=5), S.IN_PROGRESS, "验收未通过：佐证材料不足"),
                    ]
                add(f, community, i, text, due, changes)
            if kind == "accepted":
                closing[f.pk] = max(c[-1][0] for m, c in plan if m.finding is f)
            if kind == "refused":
                refused.append((f, today - dt.timedelta(days=15)))

    measures = bulk_create_with_history(measures, RectificationMeasure, default_user=actor)
    progress = [
        MeasureProgress(
            measure=m,
            on=day,
            note=note,
            status_from=(changes[i - 1][1] if i else ""),
            status_to=status,
            recorded_by=actor,
        )
        for m, changes in plan
        for i, (day, status, note) in enumerate(changes)
    ]
    MeasureProgress.objects.bulk_create(progress)

    # ---- acceptance decisions and closed findings
    decisions = []
    street = ctx.street
    all_findings = {f.pk: f for f in [*first, *second]}
    for pk, day in closing.items():
        decisions.append(
            AcceptanceDecision(
                finding_id=pk,
                accepted=True,
                comment="整改措施全部完成，佐证材料齐全，同意销号。",
                decided_on=day,
                decided_by=actor,
                decided_by_org=street,
            )
        )
        f = all_findings[pk]
        f.status, f.closed_on, f.closed_by = FindingStatus.CLOSED, day, actor
    for f, day in refused:
        decisions.append(
            AcceptanceDecision(
                finding=f,
                accepted=False,
                comment="佐证材料不足，退回继续整改。",
                decided_on=day,
                decided_by=actor,
                decided_by_org=street,
            )
        )
    AcceptanceDecision.objects.bulk_create(decisions)
    Finding.objects.bulk_update([all_findings[pk] for pk in closing], ["status", "closed_on", "closed_by"])

    late = sum(1 for m in measures if m.is_overdue(today))
    for m in measures:
        if m.is_overdue(today):
            ctx.plant("RECT-001", m.finding.organization_id)
    for f in second:
        if f.repeats_id:
            ctx.plant("RECT-003", f.organization_id)
    names = "、".join(c.name for c in communities)
    ctx.notes.append(
        f"巡察整改：{names}各有两轮巡察（第五轮、第八轮），第八轮按通报（seed 002）的16个问题录入"
    )
    ctx.notes.append(f"巡察整改：逾期未完成的整改措施{late}项（见“巡察整改 → 督办”）")
    ctx.notes.append(
        f"巡察整改：第八轮问题{'、'.join(map(str, LINKED))}已确认为第五轮问题的重复发生；"
        f"问题{'、'.join(map(str, UNLINKED_SIMILAR))}与第五轮问题相似但未关联（“回头看”页面会提出关联建议）"
    )
    ctx.notes.append(f"巡察整改：第五轮问题“{ROUND1[ROUND1_STILL_OPEN][0]}”至今未销号，而第八轮再次发现")


def _seed_number(round1_title: str) -> int:
    return next(n for n, (title, _) in ROUND1.items() if title == round1_title)
