"""The findings of a run as text, JSON, a spreadsheet (dangjian.core.xlsx) or a Word report in the
official layout (dangjian.core.documents); and the two texts of a copied-text finding, compared."""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from django.http import Http404, HttpResponse

from dangjian.audit.models import EventType
from dangjian.audit.services import audit_record
from dangjian.core.rules import Severity
from dangjian.lib import textsim
from dangjian.selfcheck import engine, textindex
from dangjian.selfcheck.models import Run, RunFinding

HEADERS = [
    "序号",
    "党组织",
    "规则编号",
    "检查项目",
    "严重程度",
    "期间",
    "问题说明",
    "依据",
    "本次状态",
    "相关记录",
]


def _rule(code: str) -> engine.Rule | None:
    return engine.load_rules().get(code)


def grouped(findings: Sequence[RunFinding]) -> OrderedDict[Any, list[RunFinding]]:
    out: OrderedDict[Any, list[RunFinding]] = OrderedDict()
    for f in sorted(findings, key=lambda f: (f.organization.path, f.rule, f.pk or 0)):
        out.setdefault(f.organization, []).append(f)
    return out


def summary_lines(run: Run) -> list[str]:
    lines = [
        f"检查范围：{run.organization.name}及所属党组织",
        f"检查期间：{run.period_label}（状态类检查截至{run.as_of:%Y年%m月%d日}）",
        f"发现问题{run.total}个，其中错误{run.errors}个、提醒{run.warnings}个",
    ]
    if run.previous_id:
        lines.append(f"与上次同范围同期间的检查相比：新发现{run.new_count}个，已整改{run.fixed_count}个")
    return lines


def as_text(run: Run, findings: Sequence[RunFinding]) -> str:
    lines = [f"{run.organization.name} 自查体检", *summary_lines(run), ""]
    for org, items in grouped(findings).items():
        lines.append(f"【{org.name}】{len(items)}个问题")
        for f in items:
            r = _rule(f.rule)
            state = "新" if f.is_new else "旧"
            lines.append(
                f"  [{f.rule} {Severity.LABELS.get(f.severity, f.severity)} {state}] {f.period}：{f.message}"
            )
            if r:
                lines.append(f"      规则：{r.title}；依据：{r.basis}")
        lines.append("")
    for note in run.notes:
        lines.append(f"说明：{note}")
    return "\n".join(lines).rstrip() + "\n"


def as_json(run: Run, findings: Sequence[RunFinding]) -> str:
    data = {
        "run": run.pk,
        "organization": {
            "id": run.organization_id,
            "code": run.organization.code,
            "name": run.organization.name,
        },
        "period": [run.period_start.isoformat(), run.period_end.isoformat()],
        "as_of": run.as_of.isoformat(),
        "total": run.total,
        "errors": run.errors,
        "warnings": run.warnings,
        "new": run.new_count,
        "fixed": run.fixed_count,
        "notes": run.notes,
        "findings": [
            {
                "organization": {
                    "id": f.organization_id,
                    "code": f.organization.code,
                    "name": f.organization.name,
                },
                "rule": f.rule,
                "title": (r.title if (r := _rule(f.rule)) else ""),
                "basis": r.basis if r else "",
                "severity": f.severity,
                "period": f.period,
                "message": f.message,
                "new": f.is_new,
                "fingerprint": f.fingerprint,
                "links": [{"label": link.label, "url": link.url()} for link in f.link_objects()],
            }
            for f in findings
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def _rows(findings: Sequence[RunFinding]) -> list[list[Any]]:
    rows = []
    for i, f in enumerate(sorted(findings, key=lambda f: (f.organization.path, f.rule, f.pk or 0)), start=1):
        r = _rule(f.rule)
        rows.append(
            [
                i,
                f.organization.name,
                f.rule,
                r.title if r else "",
                Severity.LABELS.get(f.severity, f.severity),
                f.period,
                f.message,
                r.basis if r else "",
                "新发现" if f.is_new else "仍存在",
                "；".join(link.label for link in f.link_objects()),
            ]
        )
    return rows


def as_xlsx(run: Run, findings: Sequence[RunFinding]) -> bytes:
    from dangjian.core.xlsx import Sheet, workbook_bytes

    sheet = Sheet(
        title="自查问题清单",
        headers=HEADERS,
        rows=_rows(findings),
        caption=f"{run.organization.name}自查体检问题清单（{run.period_label}）",
        widths=[6, 20, 10, 30, 8, 16, 60, 40, 8, 40],
        notes=[*summary_lines(run), *run.notes],
    )
    return workbook_bytes([sheet])


def as_docx(run: Run, findings: Sequence[RunFinding]) -> bytes:
    from dangjian.core.documents import Block, build_document, cn_numeral, h1_prefix, h2_prefix
    from dangjian.core.documents import Run as DocRun

    blocks: list[Block] = [Block("h1", f"{h1_prefix(1)}总体情况")]
    blocks += [Block("body", line + "。") for line in summary_lines(run)]
    by_rule: OrderedDict[str, int] = OrderedDict()
    for f in findings:
        by_rule[f.rule] = by_rule.get(f.rule, 0) + 1
    for code, count in sorted(by_rule.items()):
        r = _rule(code)
        blocks.append(Block("body", f"{code} {r.title if r else ''}：{count}个。"))
    blocks.append(Block("h1", f"{h1_prefix(2)}发现的问题"))
    for n, (org, items) in enumerate(grouped(findings).items(), start=1):
        blocks.append(Block("h2", f"{h2_prefix(n) if n <= 99 else f'（{n}）'}{org.name}（{len(items)}个）"))
        for i, f in enumerate(items, start=1):
            r = _rule(f.rule)
            lead = f"{i}.{r.title if r else f.rule}。"
            text = f"{f.period}，{f.message}。" + (f"依据：{r.basis}。" if r else "")
            blocks.append(Block("body", runs=(DocRun(lead, bold=True), DocRun(text))))
    if run.notes:
        blocks.append(Block("h1", f"{h1_prefix(3)}说明"))
        blocks += [
            Block("body", f"{cn_numeral(i)}是{note}。") for i, note in enumerate(run.notes[:99], start=1)
        ]
    return build_document(f"{run.organization.name}\n自查体检报告", blocks)


FORMATS = {
    "text": ("txt", "text/plain; charset=utf-8"),
    "json": ("json", "application/json"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}


def render(run: Run, findings: Sequence[RunFinding], fmt: str) -> bytes:
    if fmt == "text":
        return as_text(run, findings).encode()
    if fmt == "json":
        return as_json(run, findings).encode()
    if fmt == "xlsx":
        return as_xlsx(run, findings)
    if fmt == "docx":
        return as_docx(run, findings)
    raise ValueError(f"unknown format {fmt}")


def download(run: Run, findings: Sequence[RunFinding], fmt: str, *, actor: Any) -> HttpResponse:
    if fmt not in ("xlsx", "docx"):
        raise Http404
    data = render(run, findings, fmt)
    audit_record(
        actor=actor,
        event_type=EventType.EXPORT,
        subject=run,
        organization=run.organization,
        data={"format": fmt, "findings": len(findings)},
    )
    ext, mime = FORMATS[fmt]
    response = HttpResponse(data, content_type=mime)
    name = f"{run.organization.name}自查体检{run.period_start:%Y%m%d}-{run.period_end:%Y%m%d}.{ext}"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def compare_texts(
    a: dict[str, Any], b: dict[str, Any], cfg: dict[str, Any]
) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]], float]:
    """Shared passages of two texts (pieces of the original texts) and their similarity as the
    detector computes it (after normalization, template lines removed)."""
    orgs = {a["obj"].organization_id: a["obj"].organization, b["obj"].organization_id: b["obj"].organization}
    names = textindex.member_names(orgs.keys(), orgs) if cfg["names"] else {}
    names_a, names_b = names.get(a["obj"].organization_id, ()), names.get(b["obj"].organization_id, ())
    k = int(cfg["shingle"])
    segments_a, segments_b = textsim.shared_segments(a["text"], b["text"], k, names_a, names_b)
    prep_a = a["src"].clean(a["text"], a["row"]) if a["src"].clean else a["text"]
    prep_b = b["src"].clean(b["text"], b["row"]) if b["src"].clean else b["text"]
    similarity = textsim.jaccard(
        textsim.shingle_hashes(textsim.normalize(prep_a, names_a), k),
        textsim.shingle_hashes(textsim.normalize(prep_b, names_b), k),
    )
    return segments_a, segments_b, similarity
