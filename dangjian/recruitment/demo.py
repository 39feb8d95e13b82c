"""Demo recruitment files at every stage: most follow the rules, a few break one (planted)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dangjian.lib import idcard
from dangjian.lib.periods import add_months, add_years
from dangjian.members.models import MemberStatus
from dangjian.recruitment.models import (
    ContactRole,
    CultivationLog,
    FileStatus,
    RecruitDocument,
    Recruitment,
    RecruitSponsor,
    RecruitStep,
)
from dangjian.recruitment.steps import STEP, stage_of

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["晓明", "思远", "雨涵", "子豪", "欣怡", "浩然", "佳琪", "俊杰", "梦瑶", "宇航", "诗琪", "文博"]
CULTIVATION_TEXTS = [
    "认真学习党章和党的创新理论，按时提交思想汇报，积极参加社区志愿服务。",
    "参加社区环境整治志愿活动，主动帮助楼道困难老人，群众反映良好。",
    "学习二十大报告有体会，能结合本职工作谈认识，需进一步加强理论学习。",
    "在疫情防控和文明城市创建中表现突出，工作积极主动，团结同志。",
]


def _dates_for(stage_top: int, start: dt.date, rng: Any) -> dict[int, dt.date]:
    """A correct timeline from `start` up to step `stage_top`."""
    d: dict[int, dt.date] = {1: start}
    d[2] = d[1] + dt.timedelta(days=rng.randrange(5, 25))
    d[3] = add_months(d[2], rng.randrange(3, 7))
    d[4] = d[5] = d[6] = d[3] + dt.timedelta(days=7)
    d[7] = add_years(d[3], 1) + dt.timedelta(days=rng.randrange(0, 60))
    d[8] = d[9] = d[7] + dt.timedelta(days=5)
    d[10] = d[11] = d[7] + dt.timedelta(days=30)
    d[12] = d[10] + dt.timedelta(days=40)
    d[13] = d[12] + dt.timedelta(days=14)
    d[14] = d[13] + dt.timedelta(days=3)
    d[15] = d[14] + dt.timedelta(days=7)
    d[16] = d[15] + dt.timedelta(days=20)
    d[17] = d[15] + dt.timedelta(days=rng.randrange(40, 85))
    d[18] = d[19] = d[17] + dt.timedelta(days=7)
    d[20] = d[21] = d[17] + dt.timedelta(days=20)
    d[22] = add_months(add_years(d[15], 1), -1)
    d[23] = add_years(d[15], 1) + dt.timedelta(days=rng.randrange(0, 20))
    d[24] = d[23] + dt.timedelta(days=rng.randrange(20, 70))
    d[25] = d[24] + dt.timedelta(days=10)
    return {k: v for k, v in d.items() if k <= stage_top}


def build(ctx: Any) -> None:
    rng, today = ctx.rng, ctx.today
    branches = [b for b in ctx.branches() if b.basis != "retired"] or ctx.branches()
    full_by_branch: dict[int, list[Any]] = {}
    probationary_by_branch: dict[int, list[Any]] = {}
    for m in ctx.members:
        if m.left_on is None and m.deceased_on is None:
            target = full_by_branch if m.status == MemberStatus.FULL else probationary_by_branch
            target.setdefault(m.organization_id, []).append(m)
    files, steps, docs, sponsors, logs, planted = [], [], [], [], [], []
    count = max(12, len(branches) // 3)
    tops = [1, 2, 5, 6, 6, 11, 15, 17, 20, 21]
    for i in range(count):
        branch = branches[i % len(branches)]
        people = full_by_branch.get(branch.pk, [])
        if len(people) < 2:
            continue
        top = tops[i % len(tops)]
        admitted = None
        if top >= 17:
            # files past approval belong to a probationary member already on the roster
            waiting = probationary_by_branch.get(branch.pk, [])
            admitted = waiting.pop() if waiting else None
            if admitted is None:
                top = 15
        # start early enough that the last recorded step is in the past
        span_days = {1: 10, 2: 40, 5: 200, 6: 250, 11: 600, 15: 700, 17: 800, 20: 820, 21: 900}[top]
        start = today - dt.timedelta(days=span_days + rng.randrange(10, 120))
        dates = _dates_for(top, start, rng)
        defect = None
        model = branch.pk == ctx.model_branch  # the model branch's files follow every rule
        if i % 7 == 3 and top >= 7 and not model:
            dates[7] = add_years(dates[3], 1) - dt.timedelta(days=1)  # activist year one day short
            defect = "积极分子培养期差1天"
        if i % 11 == 5 and top >= 17 and not model:
            dates[17] = add_months(dates[15], 7)  # approval after the 6-month limit
            for n in (18, 19, 20, 21):
                if n in dates:
                    dates[n] = dates[17] + dt.timedelta(days=5)
            defect = "上级党委审批超过6个月"
        if max(dates.values()) > today:
            continue
        if admitted is not None:
            # the roster's admission date is the branch meeting (step 15); shift the timeline onto it
            shift = admitted.joined_on - dates[15]
            dates = {n: d + shift for n, d in dates.items()}
            if max(dates.values()) > today:
                continue
        birth = (
            admitted.birth_date
            if admitted
            else dt.date(today.year - rng.randrange(22, 45), rng.randrange(1, 13), rng.randrange(1, 28))
        )
        gender = admitted.gender if admitted else ("M" if rng.random() < 0.5 else "F")
        file = Recruitment(
            member=admitted,
            name=admitted.name
            if admitted
            else SURNAMES[rng.randrange(len(SURNAMES))] + GIVEN[rng.randrange(len(GIVEN))],
            gender=gender,
            birth_date=birth,
            education=rng.choice(["undergraduate", "college", "postgraduate"]),
            organization=branch,
            occupation=rng.choice(["社区工作者", "教师", "个体工商户", "快递员", "护士", "企业职员"]),
            stage=stage_of(set(dates)),
            last_step=max(dates),
            last_step_on=dates[max(dates)],
            status=FileStatus.ACTIVE,
            training_days=3 if top >= 11 else None,
            training_hours=24 if top >= 11 else None,
            publicity_start=dates.get(12),
            publicity_end=dates[12] + dt.timedelta(days=20) if 12 in dates else None,
        )
        file.id_number = admitted.id_number if admitted else idcard.make("320102", birth, gender, rng)
        file.phone = f"13{rng.randrange(10**9):09d}"
        files.append((file, dates, people))
        if defect:
            planted.append(f"{branch.name}·{file.name}：{defect}")
            ctx.plant("REC-001", branch)
    Recruitment.objects.bulk_create([f for f, _, _ in files], batch_size=500)
    for file, dates, people in files:
        missing_doc = rng.random() < 0.1 and 10 in dates and file.organization_id != ctx.model_branch
        for number, day in dates.items():
            steps.append(RecruitStep(recruitment=file, number=number, date=day, body=STEP[number].body))
            for kind in STEP[number].documents:
                if missing_doc and kind == "political_review":
                    planted.append(f"{file.organization.name}·{file.name}：缺少政治审查材料")
                    ctx.plant("REC-002", file.organization)
                    continue
                docs.append(RecruitDocument(recruitment=file, kind=kind, date=day))
        if 5 in dates:
            contacts = rng.sample(people, 2)
            for m in contacts:
                sponsors.append(
                    RecruitSponsor(recruitment=file, member=m, role=ContactRole.CONTACT, since=dates[5])
                )
                if 9 in dates:
                    sponsors.append(
                        RecruitSponsor(recruitment=file, member=m, role=ContactRole.SPONSOR, since=dates[9])
                    )
            day, end = dates[3], dates.get(7, today)
            while True:
                day = day + dt.timedelta(days=rng.randrange(60, 88))
                if day > end:
                    break
                logs.append(
                    CultivationLog(
                        recruitment=file,
                        date=day,
                        sponsor=rng.choice(contacts),
                        content=rng.choice(CULTIVATION_TEXTS),
                    )
                )
    RecruitStep.objects.bulk_create(steps, batch_size=2000)
    RecruitDocument.objects.bulk_create(docs, batch_size=2000)
    RecruitSponsor.objects.bulk_create(sponsors, batch_size=2000)
    CultivationLog.objects.bulk_create(logs, batch_size=2000)
    ctx.notes.append(f"发展党员档案{len(files)}份；预设问题{len(planted)}处：" + "；".join(planted[:8]))
