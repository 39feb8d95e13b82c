"""The documents of a round, generated from the ledger:
- 整改进展情况通报 (progress notice) in the structure of seed 002: title, opening (round, dates, number of
  aspects and problems), 一 the overall work, 二 each aspect （一） / category 1. / 问题N：title + description /
  整改情况：一是…二是…, 三 consolidation and next steps, the contact line, signature and date;
- 整改方案 (rectification plan): the same problems with each measure's owner, unit and deadline;
- the ledger (整改台账) as xlsx: 问题清单、任务清单、责任清单, one sheet each.

The Word files are docxtpl templates in dangjian/core/doc_templates/ (editable in Word); the blocks below
are what the shipped templates are built from: `python -m dangjian.inspection.documents` rewrites them.
Missing free text (overall work, consolidation, contact) appears as a marked placeholder 【待填写…】.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from dangjian.core.documents import (
    TEMPLATE_DIR,
    Block,
    Run,
    h2_prefix,
    ordinal_lead,
    paragraphs_of,
    render_template,
    write_template,
)
from dangjian.core.xlsx import Sheet

NOTICE_TEMPLATE = "rectification_notice.docx"
PLAN_TEMPLATE = "rectification_plan.docx"
PLACEHOLDER = "【待填写：{}】"

_END_PUNCT = "。！？；…"


@dataclass
class MeasureInfo:
    number: int
    text: str
    owner_name: str = ""
    owner_unit: str = ""
    due: dt.date | None = None
    status: str = "not_started"
    status_label: str = ""
    completed_on: dt.date | None = None
    overdue: bool = False
    latest_note: str = ""


@dataclass
class FindingInfo:
    number: int
    aspect: str
    category: str
    title: str
    description: str
    organization: str = ""
    severity_label: str = ""
    source_label: str = ""
    status_label: str = ""
    closed_on: dt.date | None = None
    repeats: str = ""
    measures: list[MeasureInfo] = field(default_factory=list)


@dataclass
class RoundInfo:
    organization: str
    name: str
    committee: str
    team: str
    inspected: list[str]
    onsite_from: dt.date
    onsite_to: dt.date
    feedback_on: dt.date | None
    overall_work: str = ""
    consolidation: str = ""
    contact: str = ""
    plan_due: dt.date | None = None
    report_due: dt.date | None = None


def cn_date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in _END_PUNCT else text + "。"


def finding_text(f: FindingInfo) -> str:
    """问题N： is followed by the title as a sentence, then the description (as in seed 002)."""
    return _sentence(f.title) + f.description.strip()


def _inspected_phrase(info: RoundInfo) -> str:
    names = info.inspected
    if not names:
        return info.organization
    if len(names) <= 3:
        return "、".join(names)
    return f"{names[0]}等{len(names)}个党组织"


def opening(info: RoundInfo) -> str:
    onsite = f"{cn_date(info.onsite_from)}至{cn_date(info.onsite_to)}"
    feedback = (
        f"{cn_date(info.feedback_on)}，{info.committee}巡察组反馈了巡察意见。" if info.feedback_on else ""
    )
    return (
        f"根据{info.committee}统一部署，{onsite}，{info.team}对{_inspected_phrase(info)}开展了巡察。{feedback}"
        "按照党务公开原则和巡察工作有关要求，现将巡察整改进展情况予以公布。"
    )


def group_findings(findings: Sequence[FindingInfo]) -> list[dict[str, Any]]:
    """Aspects in the order of their first problem; categories likewise inside each aspect."""
    aspects: dict[str, dict[str, list[FindingInfo]]] = {}
    for f in sorted(findings, key=lambda x: x.number):
        aspects.setdefault(f.aspect, {}).setdefault(f.category, []).append(f)
    out = []
    for a_index, (aspect, categories) in enumerate(aspects.items(), start=1):
        groups = []
        numbered = 0
        for category, items in categories.items():
            if category:
                numbered += 1
            groups.append(
                {
                    "prefix": f"{numbered}." if category else "",
                    "title": _sentence(category),
                    "findings": items,
                }
            )
        out.append({"prefix": h2_prefix(a_index), "title": aspect, "groups": groups})
    return out


def _measure_lines(f: FindingInfo, with_owner: bool) -> list[dict[str, str]]:
    if not f.measures:
        return [{"text": "【整改措施待制定】"}]
    lines = []
    many = len(f.measures) > 1
    for i, m in enumerate(f.measures, start=1):
        text = _sentence(m.text)
        lead = ordinal_lead(i) if many else ""
        if with_owner:
            text += f"（责任人：{m.owner_name}；责任单位：{m.owner_unit}；整改时限：{cn_date(m.due)}）"
        elif m.status in ("not_started", "in_progress"):
            text += f"（正在推进，整改时限：{cn_date(m.due)}）"
        elif m.status == "long_term":
            text += "（长期坚持）"
        lines.append({"text": lead + text})
    return lines


def _context(
    info: RoundInfo, findings: Sequence[FindingInfo], today: dt.date, *, with_owner: bool
) -> dict[str, Any]:
    aspects = group_findings(findings)
    for aspect in aspects:
        for group in aspect["groups"]:
            group["findings"] = [
                {"number": f.number, "text": finding_text(f), "measures": _measure_lines(f, with_owner)}
                for f in group["findings"]
            ]
    return {
        "org_name": info.organization,
        "opening": opening(info),
        "summary": (
            f"{info.committee}巡察组反馈的意见中指出存在{len(aspects)}个方面、{len(findings)}个主要问题，"
            "并有针对性地提出了意见建议。"
        ),
        "overall": paragraphs_of(info.overall_work)
        or [PLACEHOLDER.format("整改工作总体情况（组织领导、工作机制、督办制度等）")],
        "aspects": aspects,
        "consolidation": paragraphs_of(info.consolidation)
        or [PLACEHOLDER.format("巩固整改成效和下一步工作打算")],
        "contact": info.contact or PLACEHOLDER.format("联系电话、通信地址、电子邮箱"),
        "date": cn_date(today),
        "team": info.team,
        "plan_opening": (
            f"{cn_date(info.onsite_from)}至{cn_date(info.onsite_to)}，{info.team}对{_inspected_phrase(info)}开展了巡察"
            + (f"，并于{cn_date(info.feedback_on)}反馈了巡察意见" if info.feedback_on else "")
            + f"，指出{len(aspects)}个方面、{len(findings)}个问题。为切实抓好巡察反馈问题整改落实，制定本方案。"
        ),
        "deadlines": (
            f"整改方案于{cn_date(info.plan_due)}前报送，整改情况报告于{cn_date(info.report_due)}前报送。"
            if info.plan_due and info.report_due
            else PLACEHOLDER.format("整改方案和整改报告报送时限")
        ),
    }


def notice_context(info: RoundInfo, findings: Sequence[FindingInfo], today: dt.date) -> dict[str, Any]:
    return _context(info, findings, today, with_owner=False)


def plan_context(info: RoundInfo, findings: Sequence[FindingInfo], today: dt.date) -> dict[str, Any]:
    return _context(info, findings, today, with_owner=True)


def render_notice(info: RoundInfo, findings: Sequence[FindingInfo], today: dt.date) -> bytes:
    return render_template(NOTICE_TEMPLATE, notice_context(info, findings, today))


def render_plan(info: RoundInfo, findings: Sequence[FindingInfo], today: dt.date) -> bytes:
    return render_template(PLAN_TEMPLATE, plan_context(info, findings, today))


# ---------------------------------------------------------------- the shipped templates


def _problem_blocks(heading: str) -> list[Block]:
    return [
        Block("plain", "{%p for a in aspects %}"),
        Block("h2", "{{ a.prefix }}{{ a.title }}"),
        Block("plain", "{%p for g in a.groups %}"),
        Block("plain", "{%p if g.title %}"),
        Block("h3", "{{ g.prefix }}{{ g.title }}"),
        Block("plain", "{%p endif %}"),
        Block("plain", "{%p for f in g.findings %}"),
        Block("body", runs=(Run("问题{{ f.number }}：", bold=True), Run("{{ f.text }}"))),
        Block("body", heading),
        Block("plain", "{%p for m in f.measures %}"),
        Block("body", "{{ m.text }}"),
        Block("plain", "{%p endfor %}"),
        Block("plain", "{%p endfor %}"),
        Block("plain", "{%p endfor %}"),
        Block("plain", "{%p endfor %}"),
    ]


def _loop(name: str) -> list[Block]:
    return [
        Block("plain", f"{{%p for p in {name} %}}"),
        Block("body", "{{ p }}"),
        Block("plain", "{%p endfor %}"),
    ]


NOTICE_BLOCKS: list[Block] = [
    Block("title", "{{ org_name }}"),
    Block("title", "关于巡察整改进展情况的通报"),
    Block("plain", ""),
    Block("body", "{{ opening }}"),
    Block("h1", "一、强化政治站位，以最坚强的党性抓整改，确保整改工作落实到位"),
    Block("body", "{{ summary }}"),
    *_loop("overall"),
    Block("h1", "二、坚持问题导向，以最有力的举措抓推进，逐条逐项落实整改到位"),
    *_problem_blocks("整改情况："),
    Block("h1", "三、巩固巡察成效，以最实工作作风抓落实，持续推进从严治党到位"),
    *_loop("consolidation"),
    Block(
        "body",
        "欢迎广大干部群众对巡察整改落实情况进行监督。如有意见建议，请及时向我们反映。联系方式：{{ contact }}",
    ),
    Block("plain", ""),
    Block("plain", "{{ org_name }}", align="right"),
    Block("plain", "{{ date }}", align="right"),
]

PLAN_BLOCKS: list[Block] = [
    Block("title", "{{ org_name }}"),
    Block("title", "关于{{ team }}巡察反馈意见的整改方案"),
    Block("plain", ""),
    Block("body", "{{ plan_opening }}"),
    Block("h1", "一、总体要求"),
    Block("body", "【待填写：指导思想、整改目标和基本原则】"),
    Block("h1", "二、组织领导"),
    Block("body", "【待填写：整改工作领导小组组成、整改专班及职责分工】"),
    Block("h1", "三、整改任务"),
    *_problem_blocks("整改措施："),
    Block("h1", "四、工作要求"),
    Block("body", "{{ deadlines }}"),
    Block(
        "body",
        "建立整改台账，实行清单化管理、销号式推进：每项整改措施明确责任人、责任单位和整改时限，"
        "完成后提交佐证材料，经上级党组织验收后销号；长期坚持的事项持续跟踪督办。",
    ),
    Block("plain", ""),
    Block("plain", "{{ org_name }}", align="right"),
    Block("plain", "{{ date }}", align="right"),
]


def write_shipped_templates() -> None:
    write_template(TEMPLATE_DIR / NOTICE_TEMPLATE, NOTICE_BLOCKS)
    write_template(TEMPLATE_DIR / PLAN_TEMPLATE, PLAN_BLOCKS)


# ---------------------------------------------------------------- the ledger (xlsx)


def ledger_sheets(info: RoundInfo, findings: Sequence[FindingInfo], today: dt.date) -> list[Sheet]:
    ordered = sorted(findings, key=lambda f: f.number)
    problems = Sheet(
        title="问题清单",
        caption=f"{info.name}反馈问题清单",
        headers=[
            "问题序号",
            "问题所在党组织",
            "问题方面",
            "问题类别",
            "问题",
            "具体表现",
            "严重程度",
            "问题来源",
            "重复前轮问题",
            "措施数",
            "整改状态",
            "销号日期",
        ],
        rows=[
            [
                f.number,
                f.organization,
                f.aspect,
                f.category,
                f.title,
                f.description,
                f.severity_label,
                f.source_label,
                f.repeats,
                len(f.measures),
                f.status_label,
                f.closed_on,
            ]
            for f in ordered
        ],
        widths=[8, 18, 30, 20, 30, 50, 8, 10, 24, 8, 10, 12],
    )
    tasks = Sheet(
        title="任务清单",
        caption=f"{info.name}整改任务清单",
        headers=[
            "问题序号",
            "措施序号",
            "问题",
            "整改措施",
            "责任人",
            "责任单位",
            "整改时限",
            "状态",
            "是否逾期",
            "完成日期",
            "最新进展",
        ],
        rows=[
            [
                f.number,
                m.number,
                f.title,
                m.text,
                m.owner_name,
                m.owner_unit,
                m.due,
                m.status_label,
                m.overdue,
                m.completed_on,
                m.latest_note,
            ]
            for f in ordered
            for m in f.measures
        ],
        widths=[8, 8, 30, 60, 10, 18, 12, 12, 8, 12, 40],
    )
    owners: dict[tuple[str, str], dict[str, Any]] = {}
    for f in ordered:
        for m in f.measures:
            row = owners.setdefault(
                (m.owner_unit, m.owner_name),
                {
                    "problems": [],
                    "n": 0,
                    "finished": 0,
                    "accepted": 0,
                    "overdue": 0,
                    "next_due": None,
                },
            )
            if f.number not in row["problems"]:
                row["problems"].append(f.number)
            row["n"] += 1
            row["finished"] += m.status in ("done", "accepted")
            row["accepted"] += m.status == "accepted"
            row["overdue"] += m.overdue
            if (
                m.status in ("not_started", "in_progress")
                and m.due
                and (row["next_due"] is None or m.due < row["next_due"])
            ):
                row["next_due"] = m.due
    duties = Sheet(
        title="责任清单",
        caption=f"{info.name}整改责任清单",
        headers=["责任单位", "责任人", "负责问题", "措施数", "已完成", "已销号", "逾期", "最近整改时限"],
        rows=[
            [
                unit,
                name,
                "、".join(f"问题{n}" for n in row["problems"]),
                row["n"],
                row["finished"],
                row["accepted"],
                row["overdue"],
                row["next_due"],
            ]
            for (unit, name), row in sorted(owners.items())
        ],
        widths=[20, 10, 30, 8, 8, 8, 8, 14],
        notes=[f"导出日期：{cn_date(today)}"],
    )
    return [problems, tasks, duties]


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    write_shipped_templates()
    print(f"templates written to {TEMPLATE_DIR}")  # noqa: T201
