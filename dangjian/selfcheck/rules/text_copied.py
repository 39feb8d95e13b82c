"""TEXT-001 材料雷同: minutes, lecture texts, talk summaries and duty reports nearly identical to
another text of the subtree (same branch, another branch, or an earlier year), after dates, numbers
and member names are set aside. Identical texts are grouped by hash; other candidates come from the
LSH bands and are checked exactly. One finding per copied text, naming its closest original."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from dangjian.core.rules import Severity
from dangjian.selfcheck import textindex
from dangjian.selfcheck.engine import Context, Finding, Link, rule
from dangjian.selfcheck.rules._common import BRANCH_RULES


@rule(
    code="TEXT-001",
    title="党建材料雷同（会议记录、党课讲稿、谈话记录、述职报告高度相似）",
    basis=f"{BRANCH_RULES}第十九条（如实记录）；巡察常见问题“党建材料雷同”“两次谈心谈话记录一致”",
    severity=Severity.ERROR,
    category="texts",
    reads=("life.Activity", "life.Talk", "life.DutyReport", "selfcheck.TextSignature", "selfcheck.TextBand"),
    defaults=textindex.DEFAULTS,
)
def check(ctx: Context) -> Iterator[Finding]:
    cfg = {**textindex.DEFAULTS, **ctx.thresholds}
    synced = textindex.sync_index(ctx.root, ctx.orgs, ctx.notes, cfg, cache=ctx.cache)
    found = textindex.detect(ctx.root, ctx.start, ctx.end, ctx.orgs, cfg, cache=ctx.cache)
    ctx.cache["text_stats"] = {**found.stats, "scanned": synced.scanned, "indexed": synced.indexed}
    by_text: dict[int, list[textindex.SimilarPair]] = defaultdict(list)
    for p in found.pairs:
        by_text[p.a.signature_id].append(p)
    for items in by_text.values():
        items.sort(key=lambda p: (-p.similarity, p.b.date, p.b.signature_id))
        best, others = items[0], len(items) - 1
        a, b = best.a, best.b
        b_org = ctx.org(b.organization_id)
        where = "" if b.organization_id == a.organization_id else f"{b_org.name if b_org else ''}的"
        what = "相同" if best.similarity >= 0.999 else f"高度相似（相似度{best.similarity:.0%}）"
        more = f"；另与{others}份材料相同或高度相似" if others else ""
        yield Finding(
            organization_id=a.organization_id,
            rule="",
            severity=Severity.ERROR,
            period=f"{a.date.year}年",
            message=f"{a.title}与{where}{b.title}{what}，已排除日期、数字和人名的差异{more}",
            subjects=(a.subject,),
            links=(
                Link("对照查看", "selfcheck:compare", (a.source.key, a.object_id, b.source.key, b.object_id)),
                Link(a.title, *a.link()),
                Link(f"{where}{b.title}", *b.link()),
            ),
            data={
                "similarity": round(best.similarity, 4),
                "a": [a.source.key, a.object_id],
                "b": [b.source.key, b.object_id],
                "others": others,
            },
        )
