"""Five years of service work per community: teams and their services, in-service check-ins, festival
visits, residents' requests, mutual aid, point rules, honors and funds. bulk_create throughout."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from dangjian.members.models import MemberCategory
from dangjian.services.models import (
    CareEvent,
    CareKind,
    CommunityCheckIn,
    EntryDirection,
    Festival,
    Fund,
    FundEntry,
    FundKind,
    Honor,
    PointRule,
    PointSource,
    RequestStatus,
    ServiceParticipation,
    ServiceRecord,
    ServiceRequest,
    Visit,
    VisitReason,
    VolunteerTeam,
)

TEAMS = [
    ("理论宣讲志愿服务队", "theory"),
    ("环境整治志愿服务队", "environment"),
    ("帮困助老志愿服务队", "care"),
    ("平安巡逻队", "patrol"),
]
CONTENTS = {
    "theory": ["在社区活动室宣讲党的二十大精神", "入户宣传《民法典》相关知识", "开展“学习强国”使用培训"],
    "environment": ["清理楼道堆积杂物", "整治小区卫生死角", "参与创建文明城区环境卫生大清整"],
    "care": ["为独居老人打扫卫生、代购生活用品", "陪同困难老人就医", "为低保户代办救助手续"],
    "patrol": ["节假日小区治安巡逻", "“文明祭奠”志愿巡逻", "夜间防火防盗巡查"],
}
REQUESTS = [
    ("errand", "代办老年人优待证"),
    ("errand", "代办医保报销手续"),
    ("dispute", "楼上漏水引发邻里纠纷"),
    ("dispute", "停车位占用引发矛盾"),
    ("complaint", "小区路灯损坏无人维修"),
    ("assistance", "独居老人申请助餐服务"),
    ("suggestion", "建议增设电动车充电桩"),
    ("assistance", "失业人员求职登记"),
]
EMPLOYERS = [
    ("玄武区税务局", "玄武区税务局机关党委"),
    ("南京市第一中学", "南京一中党总支"),
    ("江苏省人民医院", "省人民医院党委"),
    ("某银行玄武支行", "玄武支行党支部"),
]


def build(ctx: Any) -> None:
    rng, today = ctx.rng, ctx.today
    first = dt.date(ctx.first_year, 1, 1)
    by_community: dict[int, list[Any]] = {}
    path_community = {c.path: c for c in ctx.communities()}
    org_by_id = {o.pk: o for o in ctx.organizations}
    for m in ctx.members:
        if m.left_on or m.deceased_on:
            continue
        path = org_by_id[m.organization_id].path
        community = next((c for p, c in path_community.items() if path.startswith(p)), None)
        if community is not None:
            by_community.setdefault(community.pk, []).append(m)

    teams, team_members, records, parts, check_ins, visits = [], [], [], [], [], []
    requests, care, rules, honors, funds, entries = [], [], [], [], [], []
    planted: list[str] = []
    for ci, community in enumerate(ctx.communities()):
        people = by_community.get(community.pk, [])
        if len(people) < 6:
            continue
        for name, specialty in TEAMS[: 2 + ci % 3]:
            crew = rng.sample(people, min(len(people), rng.randrange(6, 15)))
            team = VolunteerTeam(
                organization=community, name=name, specialty=specialty, leader=crew[0], founded_on=first
            )
            teams.append((team, crew))
        rules += [
            PointRule(organization=community, source=PointSource.ACTIVITY_ATTENDED, points=Decimal("2")),
            PointRule(
                organization=community,
                source=PointSource.SERVICE_HOUR,
                points=Decimal("1"),
                yearly_cap=Decimal("40"),
            ),
            PointRule(organization=community, source=PointSource.DUES_ON_TIME, points=Decimal("1")),
            PointRule(organization=community, source=PointSource.VISIT_MADE, points=Decimal("3")),
            PointRule(organization=community, source=PointSource.HONOR, points=Decimal("10")),
        ]
        for person in [p for p in people if p.category == MemberCategory.IN_SERVICE][:20]:
            employer, party_org = rng.choice(EMPLOYERS)
            check_ins.append(
                CommunityCheckIn(
                    member=person,
                    community=community,
                    checked_in_on=first + dt.timedelta(days=rng.randrange(0, 400)),
                    employer=person.employer or employer,
                    employer_party_org=party_org,
                    employer_contact="组织委员",
                )
            )
        needy = [p for p in people if p.hardship or p.elderly or p.mobility_impaired]
        for year in range(ctx.first_year, today.year + 1):
            for festival, month, dom in ((Festival.SPRING, 1, 20), (Festival.MID_AUTUMN, 9, 20)):
                day = dt.date(year, month, dom)
                if day > today:
                    continue
                for p in needy:
                    if year == today.year and rng.random() < 0.25:
                        continue  # this year's list is not finished everywhere
                    visit = Visit(
                        organization=community,
                        date=day - dt.timedelta(days=rng.randrange(0, 15)),
                        visited_member=p,
                        reason=VisitReason.HARDSHIP
                        if p.hardship
                        else (VisitReason.HOUSEBOUND if p.mobility_impaired else VisitReason.ELDERLY),
                        festival=festival,
                        gift="米、油",
                        amount=Decimal(rng.choice([200, 300, 500])),
                        signed_by=p.name,
                    )
                    visits.append((visit, rng.sample(people, 2)))
            honors.append(
                Honor(
                    organization=community,
                    year=year,
                    title=rng.choice(["先进基层党组织", "文明社区", "五星级党组织"]),
                    level=rng.choice(["street", "district"]),
                    awarded_by="玄武区委",
                    awarded_on=dt.date(year, 6, 30),
                )
            )
            star = rng.choice(people)
            honors.append(
                Honor(
                    organization=community,
                    member=star,
                    year=year,
                    title="优秀共产党员",
                    level="street",
                    awarded_by="街道党工委",
                    awarded_on=dt.date(year, 6, 30),
                )
            )
        fund = Fund(
            organization=community,
            name=f"{community.name}服务群众专项经费",
            kind=FundKind.SERVICE,
            opened_on=first,
        )
        funds.append(fund)
        for year in range(ctx.first_year, today.year + 1):
            entries.append(
                FundEntry(
                    fund=fund,
                    date=dt.date(year, 1, 10),
                    direction=EntryDirection.INCOME,
                    amount=Decimal("200000.00"),
                    purpose=f"{year}年服务群众专项经费拨款",
                    approver="街道财政所",
                    voucher_no=f"{year}-001",
                )
            )
            for k in range(6):
                day = dt.date(year, 2 + k * 2, 15)
                if day > today:
                    break
                missing = ci % 5 == 2 and year == today.year and k == 1
                entries.append(
                    FundEntry(
                        fund=fund,
                        date=day,
                        direction=EntryDirection.EXPENSE,
                        amount=Decimal(rng.randrange(2000, 30000)),
                        purpose=rng.choice(
                            ["节日走访慰问品", "志愿服务物资", "党建阵地维护", "居民议事会场地布置"]
                        ),
                        approver="" if missing else "社区书记",
                        voucher_no="" if missing else f"{year}-{k + 10:03d}",
                    )
                )
                if missing:
                    planted.append(f"{community.name}{day:%Y年%m月}一笔支出无审批人和凭证")
        for n in range(12 * ctx.years):
            received = first + dt.timedelta(days=rng.randrange(0, (today - first).days))
            kind, text = rng.choice(REQUESTS)
            due = received + dt.timedelta(days=rng.choice([7, 15, 30]))
            age = (today - received).days
            req = ServiceRequest(
                organization=community,
                kind=kind,
                channel=rng.choice(["visit", "phone", "grid", "hotline"]),
                received_on=received,
                resident_name=rng.choice("王李张刘陈杨") + rng.choice(["大爷", "阿姨", "女士", "先生"]),
                description=text,
                due_on=due,
            )
            req.resident_phone = f"13{rng.randrange(10**9):09d}"
            if age > 40 or (age > 20 and rng.random() < 0.8):
                req.status, req.assignee = RequestStatus.CLOSED, "网格员"
                req.handled_on = min(today, received + dt.timedelta(days=rng.randrange(1, 20)))
                req.closed_on = min(today, req.handled_on + dt.timedelta(days=rng.randrange(0, 5)))
                req.result, req.feedback = "已协调解决", rng.choice(["satisfied"] * 8 + ["basic"] * 2)
            elif age > 3:
                req.status, req.assignee = RequestStatus.ASSIGNED, "网格员"
            requests.append(req)
            if n % 9 == 0:
                care.append(
                    CareEvent(
                        organization=community,
                        kind=rng.choice(CareKind.values),
                        date=received,
                        beneficiary=rng.choice(["王大爷", "李阿姨", "张家"]),
                        description="爱心驿站志愿者上门",
                        participants=rng.randrange(2, 8),
                    )
                )
    VolunteerTeam.objects.bulk_create([t for t, _ in teams])
    for team, crew in teams:
        team_members += [
            VolunteerTeam.members.through(volunteerteam_id=team.pk, member_id=m.pk) for m in crew
        ]
        day = dt.date(ctx.first_year, 1, 1) + dt.timedelta(days=rng.randrange(5, 30))
        while day <= today:
            record = ServiceRecord(
                organization=team.organization,
                team=team,
                kind="volunteer",
                date=day,
                place=f"{team.organization.name}辖区",
                content=rng.choice(CONTENTS[team.specialty]),
                households_helped=rng.randrange(0, 4) if team.specialty == "care" else 0,
                people_trained=rng.randrange(10, 40) if team.specialty == "theory" else 0,
                people_served=rng.randrange(10, 80),
            )
            records.append((record, rng.sample(crew, min(len(crew), rng.randrange(3, 8)))))
            day += dt.timedelta(days=rng.randrange(25, 50))
    VolunteerTeam.members.through.objects.bulk_create(team_members, batch_size=5000)
    ServiceRecord.objects.bulk_create([r for r, _ in records], batch_size=2000)
    for record, crew in records:
        parts += [
            ServiceParticipation(
                record=record, member=m, hours=Decimal(rng.choice(["1.5", "2.0", "2.5", "3.0"]))
            )
            for m in crew
        ]
    ServiceParticipation.objects.bulk_create(parts, batch_size=5000)
    CommunityCheckIn.objects.bulk_create(check_ins)
    Visit.objects.bulk_create([v for v, _ in visits], batch_size=2000)
    Visit.visitors.through.objects.bulk_create(
        [Visit.visitors.through(visit_id=v.pk, member_id=m.pk) for v, who in visits for m in who],
        batch_size=5000,
    )
    ServiceRequest.objects.bulk_create(requests, batch_size=2000)
    CareEvent.objects.bulk_create(care)
    PointRule.objects.bulk_create(rules)
    Honor.objects.bulk_create(honors)
    Fund.objects.bulk_create(funds)
    FundEntry.objects.bulk_create(entries, batch_size=2000)
    overdue = sum(1 for r in requests if r.status != RequestStatus.CLOSED and r.due_on < today)
    ctx.notes.append(
        f"服务记录{len(records)}条、走访{len(visits)}次、群众诉求{len(requests)}件（逾期{overdue}件）；"
        + "；".join(planted[:5])
    )
