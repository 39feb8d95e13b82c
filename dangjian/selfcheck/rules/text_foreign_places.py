"""TEXT-002 材料出现外地地名: a lecture text, minutes or report naming a province, city or district
outside the organization's own locality (Organization.locality, or its nearest ancestor's) and its
city — the seeds' lecture "为深圳改革开放和现代化建设做出贡献" copied from elsewhere."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dangjian.core.rules import Severity
from dangjian.lib import places
from dangjian.selfcheck import textindex
from dangjian.selfcheck.engine import Context, Finding, Link, rule
from dangjian.selfcheck.rules._common import BRANCH_RULES


@rule(
    code="TEXT-002",
    title="党建材料出现外地地名",
    basis=f"{BRANCH_RULES}第十九条（如实记录）；巡察常见问题：党课材料出现其他城市的内容",
    severity=Severity.WARNING,
    category="texts",
    reads=("life.Activity", "life.Talk", "life.DutyReport", "orgs.Organization"),
    defaults={
        "allowed": sorted(places.DEFAULT_ALLOWED),
        "ambiguous_short": sorted(places.DEFAULT_AMBIGUOUS_SHORT),
        "same_province": False,
        "sources": ["activity", "duty_report"],
    },
)
def check(ctx: Context) -> Iterator[Finding]:
    try:
        gazetteer = places.gazetteer()
    except places.PlacesUnavailable as exc:
        ctx.note(f"{exc}，未检查外地地名")
        return
    localities: dict[str, places.Locality | None] = {}
    missing: set[int] = set()
    unknown: set[str] = set()
    for key in ctx.t("sources"):
        src = textindex.source(key)
        if src is None:
            continue
        ok, why = src.available()
        if not ok:
            ctx.note(why)
            continue
        rows = [
            r for r in textindex.source_rows(ctx.root, src, ctx.cache) if ctx.start <= src.date(r) <= ctx.end
        ]
        for row, names_a_place in zip(rows, gazetteer.naming([r[src.field] for r in rows]), strict=True):
            org_id = row["organization_id"]
            locality_text = ctx.locality_of(org_id)
            if not locality_text:
                missing.add(org_id)
                continue
            if locality_text not in localities:
                localities[locality_text] = gazetteer.resolve(locality_text)
            locality = localities[locality_text]
            if locality is None:
                unknown.add(locality_text)
                continue
            if not names_a_place:
                continue
            found = places.foreign_mentions(
                row[src.field],
                locality,
                allowed=ctx.t("allowed"),
                ambiguous_short=ctx.t("ambiguous_short"),
                same_province=bool(ctx.t("same_province")),
            )
            if found:
                yield _finding(ctx, src, row, locality, found)
    if missing:
        ctx.note(f"{len(missing)}个党组织及其上级均未填写所在地区，未检查其材料中的外地地名")
    for text in sorted(unknown):
        ctx.note(f"所在地区“{text}”在地名库中找不到或不唯一，请填写完整的省市区名称")


def _finding(
    ctx: Context, src: Any, row: dict[str, Any], locality: places.Locality, found: list[Any]
) -> Finding:
    title = src.title(row) if src.title else src.label
    names = "；".join(f"{m.label}{'×' + str(m.count) if m.count > 1 else ''}" for m in found)
    url_name, args = src.url(row) if src.url else ("", ())
    return Finding(
        organization_id=row["organization_id"],
        rule="",
        severity=Severity.WARNING,
        period=f"{src.date(row).year}年",
        message=f"{title}出现外地地名：{names}（本组织所在地区：{locality.label}）",
        subjects=(f"{src.model}:{row['pk']}",),
        links=(Link(title, url_name, args),),
        data={"places": [m.surface for m in found], "source": [src.key, row["pk"]]},
    )
