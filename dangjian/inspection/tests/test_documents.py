"""Generated documents: the progress notice in seed 002's structure (read back with python-docx), the plan,
the ledger workbook, the official layout of dangjian.core.documents, and the PDF conversion."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess

import pytest
from django.utils import timezone
from docx import Document
from docx.shared import Mm, Pt

from dangjian.core import documents as core_docs
from dangjian.core.xlsx import read_rows
from dangjian.inspection import documents, seed002, selectors, services
from dangjian.inspection.models import Finding
from dangjian.inspection.tests.helpers import make_round


def _seed_round(world, *, status: str = "done"):  # noqa: ANN001, ANN202
    """Seed 002's round, sixteen problems and their measures, entered through the services."""
    info = seed002.ROUND
    r = make_round(
        world,
        inspected=[world.c1],
        organization=world.c1,
        **{
            k: info[k]
            for k in (
                "name",
                "committee",
                "team",
                "onsite_from",
                "onsite_to",
                "feedback_on",
                "overall_work",
                "consolidation",
                "contact",
            )
        },
    )
    staff, worker = world.user("street_staff"), world.user("community_worker")
    for p in seed002.PROBLEMS:
        f = services.finding_create(
            actor=staff,
            organization=world.c1,
            inspection=r,
            data={
                "number": p.number,
                "aspect": p.aspect,
                "category": p.category,
                "title": p.title,
                "description": p.description,
                "found_on": info["feedback_on"],
            },
        )
        for text in p.measures:
            m = services.measure_create(
                actor=worker,
                finding=f,
                data={
                    "text": text,
                    "owner_name": "王芳",
                    "owner_unit": world.c1.name,
                    "due": dt.date(2022, 12, 31),
                },
            )
            if status == "done":
                services.measure_transition(actor=worker, measure=m, to="done", note="已完成")
    return r


def _expected_part_two() -> list[tuple[str, str]]:
    """(style, text) of part 二 as seed 002 lays it out, built from the seed data alone."""
    out: list[tuple[str, str]] = []
    numerals = "一二三四"
    for a_index, aspect in enumerate(seed002.ASPECTS):
        out.append((core_docs.STYLE_H2, f"（{numerals[a_index]}）{aspect}"))
        problems = [p for p in seed002.PROBLEMS if p.aspect == aspect]
        categories = list(dict.fromkeys(p.category for p in problems))
        for c_index, category in enumerate(categories, start=1):
            if category:
                out.append((core_docs.STYLE_H3, f"{c_index}.{category}。"))
            for p in [p for p in problems if p.category == category]:
                out.append((core_docs.STYLE_BODY, f"问题{p.number}：{p.title}。{p.description}"))
                out.append((core_docs.STYLE_BODY, "整改情况："))
                for m_index, text in enumerate(p.measures):
                    lead = f"{numerals[m_index]}是" if len(p.measures) > 1 else ""
                    out.append((core_docs.STYLE_BODY, lead + text))
    return out


def _notice(world, r):  # noqa: ANN001, ANN202
    info, findings = selectors.document_data(
        r, Finding.objects.for_user(world.user("street_staff")), dt.date(2023, 3, 14)
    )
    return documents.render_notice(info, findings, dt.date(2023, 3, 14))


def test_it_writes_the_progress_notice_in_seed_002_structure(world):  # noqa: ANN001
    """GIVEN seed 002's sixteen problems and measures as a round WHEN the notice is generated THEN its
    paragraphs are seed 002's: title, opening, 一 overall work, 二 aspects/categories/problems/measures, 三."""
    data = _notice(world, _seed_round(world))
    paragraphs = [(s, t) for s, t in core_docs.read_paragraphs(data) if t.strip()]
    texts = [t for _, t in paragraphs]
    assert paragraphs[0] == (core_docs.STYLE_TITLE, world.c1.name)
    assert paragraphs[1] == (core_docs.STYLE_TITLE, "关于巡察整改进展情况的通报")
    assert texts[2] == (
        "根据区委统一部署，2022年4月12日至2022年7月8日，区委第二巡察组对香铺营社区党委开展了巡察。"
        "2022年9月1日，区委巡察组反馈了巡察意见。按照党务公开原则和巡察工作有关要求，现将巡察整改进展情况予以公布。"
    )
    h1 = [i for i, (s, _) in enumerate(paragraphs) if s == core_docs.STYLE_H1]
    assert [texts[i][:2] for i in h1] == ["一、", "二、", "三、"]
    part_one = texts[h1[0] + 1 : h1[1]]
    assert part_one[0] == "区委巡察组反馈的意见中指出存在4个方面、16个主要问题，并有针对性地提出了意见建议。"
    assert part_one[1] == seed002.ROUND["overall_work"]
    assert paragraphs[h1[1] + 1 : h1[2]] == _expected_part_two()
    part_three = texts[h1[2] + 1 :]
    assert part_three[0] == seed002.ROUND["consolidation"]
    assert part_three[1].endswith("联系方式：" + seed002.ROUND["contact"])
    assert part_three[-2:] == [world.c1.name, "2023年3月14日"]
    assert "【待填写" not in "".join(texts)
    # every measure once, in order
    measure_lines = [t for t in texts if any(t.endswith(m) for p in seed002.PROBLEMS for m in p.measures)]
    assert len(measure_lines) == sum(len(p.measures) for p in seed002.PROBLEMS) == 31


def test_it_marks_missing_text_and_unfinished_measures_in_the_notice(world):  # noqa: ANN001
    r = _seed_round(world, status="in_progress")
    services.inspection_update(
        actor=world.user("street_staff"),
        inspection=r,
        data={"overall_work": "", "consolidation": "", "contact": ""},
    )
    r.refresh_from_db()
    texts = [t for _, t in core_docs.read_paragraphs(_notice(world, r))]
    assert "【待填写：整改工作总体情况（组织领导、工作机制、督办制度等）】" in texts
    assert "【待填写：巩固整改成效和下一步工作打算】" in texts
    assert any(t.endswith("联系方式：【待填写：联系电话、通信地址、电子邮箱】") for t in texts)
    assert any(t.endswith("（正在推进，整改时限：2022年12月31日）") for t in texts)


def test_it_escapes_user_text_in_documents(world):  # noqa: ANN001
    r = make_round(world, inspected=[world.c1], organization=world.c1)
    services.finding_create(
        actor=world.user("street_staff"),
        organization=world.c1,
        inspection=r,
        data={"aspect": "方面<一>", "title": "A & B </w:t>", "description": "{{ secret }}"},
    )
    texts = [t for _, t in core_docs.read_paragraphs(_notice(world, r))]
    assert "（一）方面<一>" in texts
    assert "问题1：A & B </w:t>。{{ secret }}" in texts


def test_it_writes_the_plan_with_owners_units_and_deadlines(world):  # noqa: ANN001
    r = _seed_round(world)
    info, findings = selectors.document_data(
        r, Finding.objects.for_user(world.user("street_staff")), timezone.localdate()
    )
    texts = [
        t for _, t in core_docs.read_paragraphs(documents.render_plan(info, findings, timezone.localdate()))
    ]
    assert texts[1] == "关于区委第二巡察组巡察反馈意见的整改方案"
    owner = f"（责任人：王芳；责任单位：{world.c1.name}；整改时限：2022年12月31日）"
    assert sum(1 for t in texts if t.endswith(owner)) == 31
    assert "整改方案于2022年10月1日前报送，整改情况报告于2022年11月1日前报送。" in texts


def test_it_exports_the_ledger_as_three_sheets(world):  # noqa: ANN001
    r = _seed_round(world)
    today = timezone.localdate()
    info, findings = selectors.document_data(r, Finding.objects.for_user(world.user("street_staff")), today)
    from dangjian.core.xlsx import workbook_bytes

    data = workbook_bytes(documents.ledger_sheets(info, findings, today))
    problems, tasks, duties = (read_rows(io.BytesIO(data), sheet=i) for i in range(3))
    assert problems[1][:5] == ["问题序号", "问题所在党组织", "问题方面", "问题类别", "问题"]
    assert [row[4] for row in problems[2:]] == [p.title for p in seed002.PROBLEMS]
    assert len(tasks) - 2 == 31 and tasks[2][3] == seed002.PROBLEMS[0].measures[0]
    assert duties[2][:2] == [world.c1.name, "王芳"] and duties[2][3] == 31


def test_it_lays_documents_out_as_gb_t_9704():
    data = core_docs.build_document(
        "关于某事的通知",
        [
            core_docs.Block("h1", "一、总体要求"),
            core_docs.Block("h2", "（一）工作目标"),
            core_docs.Block("body", "正文。"),
        ],
    )
    doc = Document(io.BytesIO(data))
    section = doc.sections[0]

    def mm(length):  # noqa: ANN001, ANN202 - Word stores twips: compare to a tenth of a millimetre
        return round(length.mm, 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert tuple(
        mm(x) for x in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    ) == (37, 35, 28, 26)
    fonts = {s.name: (s.font.name, s.font.size) for s in doc.styles if s.name.startswith("公文")}
    assert fonts[core_docs.STYLE_TITLE] == ("方正小标宋简体", Pt(22))
    assert fonts[core_docs.STYLE_BODY] == ("仿宋_GB2312", Pt(16))
    assert fonts[core_docs.STYLE_H1] == ("黑体", Pt(16))
    assert fonts[core_docs.STYLE_H2] == ("楷体_GB2312", Pt(16))
    east_asia = doc.styles[core_docs.STYLE_BODY].element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    )
    assert east_asia == "仿宋_GB2312"
    assert doc.settings.odd_and_even_pages_header_footer
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert "PAGE" in odd._p.xml and odd.text.startswith("— ") and odd.text.endswith(" —")
    assert odd.alignment == 2 and even.alignment == 0  # odd pages right, even pages left (outside)
    assert odd.runs[0].font.name == "宋体" and odd.runs[0].font.size == Pt(14)
    # 22 lines: the text height divided by the exact line pitch
    text_height = Mm(297 - 37 - 35)
    assert int(text_height / core_docs.LINE_PITCH) == 22


def test_it_numbers_in_chinese():
    assert [core_docs.cn_numeral(n) for n in (1, 10, 11, 16, 20, 21, 99)] == [
        "一",
        "十",
        "十一",
        "十六",
        "二十",
        "二十一",
        "九十九",
    ]
    with pytest.raises(ValueError):
        core_docs.cn_numeral(0)


@pytest.mark.libreoffice
def test_it_converts_the_notice_to_an_a4_pdf(world, tmp_path, monkeypatch):  # noqa: ANN001
    monkeypatch.setenv("HOME", str(tmp_path))
    pdf = core_docs.to_pdf(_notice(world, _seed_round(world)))
    assert pdf.startswith(b"%PDF-")
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(  # noqa: S603 - fixed poppler-utils command on a file the test wrote
        [shutil.which("pdfinfo") or "pdfinfo", str(path)], capture_output=True, text=True, check=True
    ).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert round(width) == 595 and round(height) == 842  # A4 in points
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 5
    text = subprocess.run(  # noqa: S603 - fixed poppler-utils command on a file the test wrote
        [shutil.which("pdftotext") or "pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = re.sub(r"\s+", "", text)  # pdftotext spaces CJK from digits and breaks lines
    assert "关于巡察整改进展情况的通报" in text
    assert "问题16：十二届区委第五轮巡察整改效果不明显" in text


def test_it_renders_edited_templates_in_a_sandbox(tmp_path):  # noqa: ANN001
    from jinja2.exceptions import SecurityError

    path = tmp_path / "edited.docx"
    core_docs.write_template(path, [core_docs.Block("body", "{{ org_name }}")])
    texts = [
        t
        for _, t in core_docs.read_paragraphs(
            core_docs.render_template("", {"org_name": "A<B"}, path.read_bytes())
        )
    ]
    assert texts == ["A<B"]
    core_docs.write_template(path, [core_docs.Block("body", "{{ org_name.__class__.__mro__ }}")])
    with pytest.raises(SecurityError):
        core_docs.render_template("", {"org_name": "x"}, path.read_bytes())
