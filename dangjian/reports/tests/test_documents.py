"""Generated documents read back with python-docx, converted by LibreOffice, checked for A4 and text."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pytest
from docx import Document

from dangjian.core.documents import to_pdf
from dangjian.reports import documents
from dangjian.services import services as resident_services


def paragraphs(data: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(data)).paragraphs]


@pytest.mark.django_db
def test_the_work_report_quotes_the_records_and_marks_what_people_must_write(world):
    from decimal import Decimal

    resident_services.service_record_create(
        actor=None,
        organization=world.c1,
        kind="volunteer",
        date=dt.date(2025, 3, 1),
        place="小区",
        content="清理楼道",
        participants=[(world.members["m1"], Decimal("2.0"))],
        households_helped=3,
    )
    facts = documents.gather(world.c1, dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    text = "\n".join(paragraphs(documents.work_report(facts)))
    assert "香铺营社区党委党建工作情况报告" in text
    assert "现有党员3名" in text and "帮扶困难户3户" in text and "开展志愿服务1次" in text
    assert "一、主要做法和成效" in text and "二、存在的问题" in text and "三、下一步工作打算" in text
    assert "【待填写】" in text


@pytest.mark.django_db
def test_the_topic_report_follows_seed_000s_structure(world):
    facts = documents.gather(world.c1, dt.date(2014, 1, 1), dt.date(2025, 6, 30))
    lines = paragraphs(documents.topic_report(facts, team="区委第四巡察组", since_year=2014))
    assert lines[2] == "区委第四巡察组："
    heads = [p for p in lines if p[:2] in ("一、", "二、", "三、")]
    assert heads == ["一、基本情况和主要工作", "二、存在的主要问题和原因剖析", "三、整改措施"]


def _work_report(world):  # noqa: ANN001, ANN202
    return documents.work_report(documents.gather(world.c1, dt.date(2025, 1, 1), dt.date(2025, 6, 30))), [
        "党建工作情况报告",
        "主要做法和成效",
        "现有党员3名",  # the community's real figure, as LibreOffice lays it out
    ]


def _topic_report(world):  # noqa: ANN001, ANN202
    facts = documents.gather(world.c1, dt.date(2014, 1, 1), dt.date(2025, 6, 30))
    return documents.topic_report(facts, team="区委第四巡察组", since_year=2014), [
        "区委第四巡察组",
        "存在的主要问题和原因剖析",
    ]


def _survey(world):  # noqa: ANN001, ANN202
    from dangjian.reports.statistics import survey

    return documents.survey_document(survey(world.c1, dt.date(2025, 6, 30))), ["基本情况", "分类统计"]


@pytest.mark.django_db
@pytest.mark.libreoffice
@pytest.mark.parametrize("make", [_work_report, _topic_report, _survey], ids=["work", "topic", "survey"])
def test_each_report_is_a_clean_a4_document_in_libreoffice(world, tmp_path, monkeypatch, make):
    """GIVEN a generated report WHEN LibreOffice converts it to PDF THEN every page is A4 and the
    headings are in the text (pdftotext)."""
    monkeypatch.setenv("HOME", str(tmp_path))
    data, expected = make(world)
    path = tmp_path / "report.pdf"
    path.write_bytes(to_pdf(data))
    info = subprocess.run(
        [shutil.which("pdfinfo") or "pdfinfo", "-l", "99", str(path)], capture_output=True, text=True, check=True
    ).stdout  # noqa: S603
    sizes = [line for line in info.splitlines() if line.startswith("Page") and "size:" in line]
    assert sizes and all("pts (A4)" in line for line in sizes), sizes  # 595 x 842 pt on every page
    text = subprocess.run(
        [shutil.which("pdftotext") or "pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout  # noqa: S603
    text = "".join(text.split())  # pdftotext breaks lines and spaces CJK from digits
    assert all(heading in text for heading in expected), text[:500]
