"""Generated reports in the GB/T 9704 layout (dangjian.core.documents): the work report for a period
(seed 001's structure) and the 专题汇报 to an inspection team (seed 000's structure), written from
the records. What only people can write (causes, plans) comes from what users recorded where it
exists, and stands as a clearly marked 【待填写】 placeholder where it does not."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from dangjian.core.documents import Block, build_document, cn_numeral
from dangjian.members.models import MemberCategory, MemberStatus
from dangjian.orgs.models import Organization, OrgKind
from dangjian.reports.statistics import members_on, org_figures

PLACEHOLDER = "【待填写】"


@dataclass
class Facts:
    """The figures of a scope and period that reports quote, gathered from every capability."""

    root: Organization
    start: dt.date
    end: dt.date
    members: int = 0
    full: int = 0
    probationary: int = 0
    over_60: int = 0
    in_service: int = 0
    floating: int = 0
    lost_contact: int = 0
    abroad_kept: int = 0
    branches: int = 0
    groups: int = 0
    activities: dict[str, int] = field(default_factory=dict)  # kind label → held in the period
    services: int = 0
    service_hours: str = "0"
    visits: int = 0
    households_helped: int = 0
    requests_closed: int = 0
    disputes_mediated: int = 0
    dues_rate: str = ""
    admitted: int = 0
    confirmed: int = 0
    elections: int = 0
    open_findings: list[tuple[str, str]] = field(default_factory=list)  # (aspect, title)
    measures: list[tuple[str, str]] = field(default_factory=list)  # (finding title, measure text)


def gather(root: Organization, start: dt.date, end: dt.date) -> Facts:
    from dangjian.lib.periods import add_years
    from dangjian.members.models import AbroadStay

    f = Facts(root, start, end)
    qs = members_on(root, end)
    f.members = qs.count()
    f.full = qs.filter(status=MemberStatus.FULL).count()
    f.probationary = f.members - f.full
    f.over_60 = qs.filter(birth_date__lte=add_years(end, -60)).count()
    f.in_service = qs.filter(category=MemberCategory.IN_SERVICE).count()
    f.floating = qs.filter(category=MemberCategory.FLOATING).count()
    f.lost_contact = qs.filter(lost_contact_since__isnull=False).count()
    f.abroad_kept = AbroadStay.objects.filter(
        member__in=qs, left_on__lte=end, kept_until__gte=end, returned_on__isnull=True
    ).count()
    figures = org_figures(root, end)
    counts = dict(figures.by_kind)
    f.branches, f.groups = counts.get(OrgKind.BRANCH.label, 0), counts.get(OrgKind.GROUP.label, 0)
    from dangjian.life.models import Activity, ActivityKind

    held = Counter(
        Activity.objects.filter(
            organization__path__startswith=root.path, date__range=(start, end)
        ).values_list("kind", flat=True)
    )
    f.activities = {ActivityKind(k).label: n for k, n in held.items()}
    from dangjian.services.selectors import summary

    s = summary(root, start, end, end)
    f.services, f.service_hours, f.visits = s.services, str(s.service_hours), s.visits
    f.households_helped, f.requests_closed, f.disputes_mediated = (
        s.households_helped,
        s.requests_closed,
        s.disputes_mediated,
    )
    try:
        from dangjian.dues.selectors import collection

        months = [
            dt.date(y, m, 1)
            for y in range(start.year, end.year + 1)
            for m in range(1, 13)
            if dt.date(start.year, start.month, 1) <= dt.date(y, m, 1) <= end
        ]
        rate = collection(root, months, by_child=False).member_rate
        f.dues_rate = f"{rate}%" if rate is not None else ""
    except ImportError:  # the dues capability is optional in a deployment
        f.dues_rate = ""
    from dangjian.recruitment.models import RecruitStep

    steps = RecruitStep.objects.filter(
        recruitment__organization__path__startswith=root.path, date__range=(start, end)
    )
    f.admitted, f.confirmed = steps.filter(number=17).count(), steps.filter(number=24).count()
    from dangjian.elections.models import Election

    f.elections = Election.objects.filter(
        organization__path__startswith=root.path, held_on__range=(start, end), status="applied"
    ).count()
    from dangjian.inspection.models import Finding, RectificationMeasure

    findings = (
        Finding.objects.filter(organization__path__startswith=root.path)
        .exclude(status="closed")
        .order_by("aspect", "number")
    )
    f.open_findings = list(findings.values_list("aspect", "title")[:30])
    f.measures = list(
        RectificationMeasure.objects.filter(finding__in=findings)
        .order_by("finding__aspect", "finding__number", "number")
        .values_list("finding__title", "text")[:60]
    )
    return f


def _period_label(f: Facts) -> str:
    return f"{f.start:%Y年%m月%d日}至{f.end:%Y年%m月%d日}"


def work_report(f: Facts, *, problems: list[str] | None = None, plans: list[str] | None = None) -> bytes:
    """党建工作情况报告 (seed 001): what was done and achieved, with the records' figures; problems; next steps."""
    held = (
        "，".join(f"{label}{n}次" for label, n in sorted(f.activities.items(), key=lambda kv: -kv[1]))
        or "未录入组织生活记录"
    )
    blocks = [
        Block(
            "body",
            f"{_period_label(f)}，{f.root.name}在上级党组织的领导下，落实全面从严治党主体责任，抓基层、打基础，"
            f"较好地完成了党建工作各项任务。现将有关情况报告如下。",
        ),
        Block("h1", "一、主要做法和成效"),
        Block("h2", "（一）抓队伍，加强党员管理"),
        Block(
            "body",
            f"现有党员{f.members}名，其中正式党员{f.full}名、预备党员{f.probationary}名，60岁及以上党员{f.over_60}名，"
            f"在职党员{f.in_service}名，流动党员{f.floating}名；下设党支部{f.branches}个、党小组{f.groups}个。"
            + (f"失联党员{f.lost_contact}名，正在查找。" if f.lost_contact else "无失联党员。")
            + (f"为{f.abroad_kept}名出国（境）党员保留组织关系。" if f.abroad_kept else ""),
        ),
        Block("h2", "（二）抓教育，落实组织生活制度"),
        Block("body", f"期间共开展组织生活：{held}。"),
        Block("h2", "（三）抓服务，发挥党员作用"),
        Block(
            "body",
            f"开展志愿服务{f.services}次，累计{f.service_hours}小时；走访慰问{f.visits}次；帮扶困难户{f.households_helped}户；"
            f"办结群众诉求{f.requests_closed}件，调解矛盾纠纷{f.disputes_mediated}件。",
        ),
        Block("h2", "（四）抓规范，严格党费和发展党员工作"),
        Block(
            "body",
            (f"党费按月收缴率（按人次）为{f.dues_rate}；" if f.dues_rate else "")
            + f"接收预备党员{f.admitted}名，预备党员转正{f.confirmed}名；完成换届选举{f.elections}个。",
        ),
        Block("h1", "二、存在的问题"),
    ]
    items = problems if problems is not None else [f"{aspect}：{title}" for aspect, title in f.open_findings]
    blocks += [
        Block("body", f"{cn_numeral(i)}是{text}。".replace("。。", "。"))
        for i, text in enumerate(items, start=1)
    ] or [Block("body", PLACEHOLDER + "（存在的问题）")]
    blocks.append(Block("h1", "三、下一步工作打算"))
    blocks += [Block("body", f"{cn_numeral(i)}是{text}") for i, text in enumerate(plans or [], start=1)] or [
        Block("body", PLACEHOLDER + "（下一步工作打算）")
    ]
    blocks += [
        Block("plain", ""),
        Block("plain", f.root.name, align="right"),
        Block("plain", f"{f.end:%Y年%m月%d日}", align="right"),
    ]
    return build_document(f"{f.root.name}党建工作情况报告", blocks)


def topic_report(f: Facts, *, team: str, since_year: int) -> bytes:
    """专题汇报 to an inspection team (seed 000): basic facts and work; problems and causes; measures."""
    held = (
        "，".join(f"{label}{n}次" for label, n in sorted(f.activities.items(), key=lambda kv: -kv[1]))
        or "未录入组织生活记录"
    )
    blocks = [
        Block("plain", f"{team}："),
        Block("body", f"按照此次巡察要求，现将{f.root.name}{since_year}年以来党建工作作如下专题汇报。"),
        Block("h1", "一、基本情况和主要工作"),
        Block(
            "body",
            f"{f.root.name}现有党员{f.members}名（正式党员{f.full}名、预备党员{f.probationary}名），其中60岁及以上{f.over_60}名；"
            f"下设党支部{f.branches}个、党小组{f.groups}个。"
            + (f"地址：{f.root.address}。" if f.root.address else ""),
        ),
        Block(
            "body",
            f"{since_year}年以来，开展组织生活{held}；开展志愿服务{f.services}次，走访慰问{f.visits}次，办结群众诉求{f.requests_closed}件；"
            f"接收预备党员{f.admitted}名，完成换届选举{f.elections}个。",
        ),
        Block("h1", "二、存在的主要问题和原因剖析"),
    ]
    if f.open_findings:
        by_aspect: dict[str, list[str]] = {}
        for aspect, title in f.open_findings:
            by_aspect.setdefault(aspect, []).append(title)
        for i, (aspect, titles) in enumerate(by_aspect.items(), start=1):
            blocks.append(
                Block(
                    "body",
                    f"{i}、{aspect}。"
                    + "".join(f"{cn_numeral(j)}是{t}。" for j, t in enumerate(titles, start=1)),
                )
            )
    else:
        blocks.append(Block("body", PLACEHOLDER + "（存在的主要问题）"))
    blocks.append(Block("body", "原因剖析：" + PLACEHOLDER))
    blocks.append(Block("h1", "三、整改措施"))
    blocks += [
        Block("body", f"{cn_numeral(i)}是针对“{title}”，{text}")
        for i, (title, text) in enumerate(f.measures, start=1)
    ] or [Block("body", PLACEHOLDER + "（整改措施）")]
    blocks += [
        Block("plain", ""),
        Block("plain", f.root.name, align="right"),
        Block("plain", f"{f.end:%Y年%m月%d日}", align="right"),
    ]
    return build_document(f"{f.root.name}关于{since_year}年以来党建工作情况的专题汇报", blocks)


def survey_document(sv) -> bytes:  # type: ignore[no-untyped-def]
    """社区党建工作统计调查 (seed 003 §一(一)) as a document: the paragraph and the tables."""
    blocks = [
        Block("h1", "一、基本情况"),
        *[Block("body", s) for s in sv.sentences()],
        Block("h1", "二、分类统计"),
    ]
    for b in sv.breakdowns:
        blocks.append(
            Block("body", f"{b.label}：" + "，".join(f"{label}{n}人" for label, n in b.rows) + "。")
        )
    return build_document(f"{sv.root.name}党员队伍和组织设置情况统计（截至{sv.on:%Y年%m月%d日}）", blocks)
