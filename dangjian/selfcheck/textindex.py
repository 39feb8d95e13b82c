"""The copied-text index: MinHash signatures of the texts of Party work (minutes, lecture texts, talk
summaries, duty reports), stored once per text, and their LSH band hashes in an indexed table.

- `index_text(obj=..., text=..., kind=..., organization=..., date=...)`: one text (a few
  milliseconds); re-indexes only if the text changed (content hash). `connect_saves()` (at start-up)
  calls it through `index_saved` when a record of a source is saved or deleted and its transaction
  commits, so texts recorded through the pages are indexed as they are saved.
- `sync_index(root, ...)`: the bulk indexer. Reads the texts of every known source in a subtree (one
  query per source), and (re)computes signatures only of texts that are new or changed, removing
  those of texts that are gone. Sources whose app or field is missing are skipped, with a note.
- `candidate_arrays(root, start, end)`: pairs of signatures sharing an LSH band, each pair once, at
  least one text dated in the period: the subtree's bands read from their indexed table in one
  query and paired by bucket in numpy (a self-join in SQL costs a row per shared band of each pair).
- `detect(...)`: identical texts grouped by the hash of their normalized text; other candidates
  estimated from their signatures, then checked exactly (Jaccard of the shingle sets, recomputed from
  the texts of the candidates only).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from itertools import chain
from typing import Any

import numpy as np
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, transaction
from django.db.models import Q

from dangjian.lib import textsim
from dangjian.orgs.fields import path_prefix_sql
from dangjian.selfcheck.models import TextBand, TextKind, TextSignature

log = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    "threshold": 0.7,  # Jaccard similarity of the shingle sets at or above which two texts are copies
    "shingle": 4,
    "num_perm": 128,
    "bands": 32,
    "min_chars": 40,  # texts shorter than this (letters, after normalization) are not compared
    "names": True,  # replace the names of the organization's members by a placeholder
    "estimate_slack": 0.15,  # candidates whose MinHash estimate is this far below the threshold are dropped
    # LSH buckets holding more texts than this are stock phrases shared by many texts, not copies: they
    # are left out of the join (identical texts are found apart, by the hash of their normalized text).
    "max_bucket": 100,
    # Candidates share this many bands or more. Two texts at the threshold share 32 × 0.7⁴ ≈ 7.7
    # bands on average, and one band or none by a chance of about 1 in 600; texts sharing a stock
    # phrase or a template line (similarity 0.3–0.5) mostly share one: on the demo street two bands
    # cut the candidates from 1.2 million to 0.1 million, and no copy was lost.
    "min_bands": 2,
}


def config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    selfcheck = getattr(settings, "DOMAIN_RULES", {}).get("selfcheck", {}) or {}
    local = (selfcheck.get("thresholds", {}) or {}).get("TEXT-001", {}) or {}
    return {**DEFAULTS, **local, **(overrides or {})}


def params_of(cfg: dict[str, Any]) -> textsim.Params:
    return textsim.Params(shingle=int(cfg["shingle"]), num_perm=int(cfg["num_perm"]), bands=int(cfg["bands"]))


# ---------------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class TextSource:
    """Where texts live: a model's text field, its organization, its date and its page."""

    key: str  # used in URLs ("activity", "talk", "duty_report")
    app: str
    model: str  # "life.Activity"
    field: str
    label: str
    kind: Callable[[dict[str, Any]], str]
    date: Callable[[dict[str, Any]], dt.date]
    extra: tuple[str, ...] = ()  # further values the callables need
    org_path: str = "organization__path"
    clean: Callable[[str, dict[str, Any]], str] | None = None
    url: Callable[[dict[str, Any]], tuple[str, tuple[Any, ...]]] | None = None
    title: Callable[[dict[str, Any]], str] | None = None

    def model_class(self) -> Any:
        return apps.get_model(self.model)

    def available(self) -> tuple[bool, str]:
        if not apps.is_installed(self.app):
            return False, f"未安装{self.label}所在模块，未检查{self.label}"
        try:
            model = self.model_class()
            model._meta.get_field(self.field)
            for name in self.extra:
                model._meta.get_field(name.split("__")[0])
        except (LookupError, FieldDoesNotExist):
            return False, f"{self.model}缺少字段{self.field}，未检查{self.label}"
        return True, ""

    def values(self) -> tuple[str, ...]:
        return ("pk", self.field, "organization_id", *self.extra)

    def in_period(self, start: dt.date, end: dt.date) -> Q:
        if "year" in self.extra:
            return Q(year__gte=start.year, year__lte=end.year)
        return Q(date__gte=start, date__lte=end)


def _activity_kind(row: dict[str, Any]) -> str:
    return TextKind.LECTURE if row.get("kind") == "lecture" else TextKind.MINUTES


def _strip_minutes_template(text: str, row: dict[str, Any]) -> str:
    """Lines of the minutes template (headings every record starts with) are not content."""
    try:
        from dangjian.life.minutes_templates import template_for
    except ImportError:
        return text
    skeleton = {line.strip() for line in template_for(row.get("kind", "")).splitlines() if line.strip()}
    return "\n".join(line for line in text.splitlines() if line.strip() not in skeleton)


def _activity_title(row: dict[str, Any]) -> str:
    from dangjian.life.models import ActivityKind

    label = ActivityKind(row["kind"]).label if row.get("kind") in ActivityKind.values else "活动"
    return f"{row['date']:%Y年%m月%d日}{label}{'讲稿' if row.get('kind') == 'lecture' else '记录'}"


SOURCES: list[TextSource] = [
    TextSource(
        key="activity",
        app="dangjian.life",
        model="life.Activity",
        field="minutes",
        label="会议记录和党课讲稿",
        kind=_activity_kind,
        date=lambda r: r["date"],
        extra=("date", "kind"),
        clean=_strip_minutes_template,
        url=lambda r: ("life:activity", (r["pk"],)),
        title=_activity_title,
    ),
    TextSource(
        key="talk",
        app="dangjian.life",
        model="life.Talk",
        field="summary",
        label="谈心谈话记录",
        kind=lambda r: TextKind.TALK,
        date=lambda r: r["date"],
        extra=("date",),
        url=lambda r: ("life:talks", (r["organization_id"],)),
        title=lambda r: f"{r['date']:%Y年%m月%d日}谈心谈话记录",
    ),
    TextSource(
        key="duty_report",
        app="dangjian.life",
        model="life.DutyReport",
        field="text",
        label="书记述职报告",
        kind=lambda r: TextKind.DUTY_REPORT,
        date=lambda r: dt.date(int(r["year"]), 12, 31),
        extra=("year",),
        url=lambda r: ("life:duty_reports", (r["organization_id"],)),
        title=lambda r: f"{r['year']}年度书记述职报告",
    ),
]


def source_rows(root: Any, src: TextSource, cache: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The non-empty texts of `src` in the subtree of `root`, every date, as `src.values()` dicts (one
    query). With a run's cache, read once per run for every rule that reads them."""

    def read() -> list[dict[str, Any]]:
        return list(
            src.model_class()
            .objects.filter(**{f"{src.org_path}__startswith": root.path})
            .exclude(**{src.field: ""})
            .values(*src.values())
        )

    if cache is None:
        return read()
    key = f"text_rows:{src.key}:{root.path}"
    if key not in cache:
        cache[key] = read()
    return cache[key]


def source(key: str) -> TextSource | None:
    return next((s for s in SOURCES if s.key == key), None)


def source_for_model(model: Any) -> TextSource | None:
    label = model._meta.label
    return next((s for s in SOURCES if s.model == label), None)


# ---------------------------------------------------------------------------------- names


def member_names(org_ids: Iterable[int], orgs: dict[int, Any]) -> dict[int, tuple[str, ...]]:
    """For each organization, the names of the members of its subtree (one query)."""
    from dangjian.members.models import Member

    wanted = {i: orgs[i].path for i in set(org_ids) if i in orgs}
    if not wanted:
        return {}
    paths = sorted(set(wanted.values()))
    top = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
    query = Q()
    for p in top:
        query |= Q(organization__path__startswith=p)
    by_path: dict[str, set[str]] = defaultdict(set)
    for path, name in Member.objects.filter(query).values_list("organization__path", "name"):
        by_path[path].add(name)
    out: dict[int, tuple[str, ...]] = {}
    for org_id, org_path in wanted.items():
        names: set[str] = set()
        for path, found in by_path.items():
            if path.startswith(org_path):
                names |= found
        out[org_id] = tuple(sorted(names))
    return out


# ---------------------------------------------------------------------------------- indexing


def _prepare(text: str, row: dict[str, Any], src: TextSource | None) -> str:
    return src.clean(text, row) if src is not None and src.clean is not None else text


def _delete_signatures(qs: Any) -> None:
    _delete_signature_ids(list(qs.values_list("pk", flat=True)))


def _delete_signature_ids(ids: list[int]) -> None:
    """Delete signatures and their bands by id, 500 at a time: two plain DELETEs each (no per-row
    cascade, and no subquery whose plan depends on the tables' statistics: on PostgreSQL, with those
    of the empty tables, deleting by a subquery of (content type, object) ran for minutes while the
    demo was indexed)."""
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        TextBand.objects.filter(signature_id__in=chunk)._raw_delete(TextBand.objects.db)
        TextSignature.objects.filter(pk__in=chunk)._raw_delete(TextSignature.objects.db)


def _store(entries: list[dict[str, Any]], replaced_ids: list[int], params: textsim.Params) -> None:
    """Write the signatures and bands of prepared entries (each with ct, object_id, kind, org, date,
    hash, norm, shingles), replacing any earlier signature of the same texts; drop `replaced_ids`
    too (texts gone or now too short)."""
    if not entries and not replaced_ids:
        return
    sigs = textsim.minhash_many([e["shingles"] for e in entries], params) if entries else None
    bands = textsim.band_hashes(sigs, params) if sigs is not None else None
    with transaction.atomic():
        # Any earlier signature of these texts, wherever it was filed (a record moved to another tree).
        replaced = set(replaced_ids)
        by_ct: dict[int, list[int]] = defaultdict(list)
        for e in entries:
            by_ct[e["ct"]].append(e["object_id"])
        for ct_id, object_ids in by_ct.items():
            for i in range(0, len(object_ids), 500):
                replaced.update(
                    TextSignature.objects.filter(
                        content_type_id=ct_id, object_id__in=object_ids[i : i + 500]
                    ).values_list("pk", flat=True)
                )
        _delete_signature_ids(sorted(replaced))
        if not entries:
            return
        rows = [
            TextSignature(
                content_type_id=e["ct"],
                object_id=e["object_id"],
                kind=e["kind"],
                organization_id=e["org"],
                date=e["date"],
                params=params.key,
                content_hash=e["hash"],
                length=len(e["norm"]),
                norm_hash=textsim.content_hash(e["norm"], params, "normalized"),
                signature=textsim.to_blob(sigs[i]),
            )
            for i, e in enumerate(entries)
        ]
        created = TextSignature.objects.bulk_create(rows, batch_size=500)
        # `bands` rows per text: one prepared INSERT run over plain tuples (bulk_create would build and
        # prepare a model instance per row, most of the cost of indexing a subtree).
        table = connection.ops.quote_name(TextBand._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} (signature_id, band, hash) VALUES (%s, %s, %s)",  # noqa: S608
                [
                    (sig.pk, b, h)
                    for sig, row in zip(created, bands.tolist(), strict=True)
                    for b, h in enumerate(row)
                ],
            )


def index_text(
    *, obj: Any, text: str, kind: str, organization: Any, date: dt.date, names: Iterable[str] | None = None
) -> TextSignature | None:
    """Index (or re-index, if changed) one text; called by the app that saves it. Texts too short to
    compare are removed from the index. Returns the signature, or None when not indexed."""
    cfg = config()
    params = params_of(cfg)
    ct = ContentType.objects.get_for_model(type(obj))
    existing = TextSignature.objects.filter(content_type=ct, object_id=obj.pk, kind=kind).first()
    digest = textsim.content_hash(text, params)
    if (
        existing is not None
        and existing.content_hash == digest
        and existing.organization_id == organization.pk
        and existing.date == date
    ):
        return existing
    src = source_for_model(type(obj))
    row = {"pk": obj.pk, "kind": getattr(obj, "kind", ""), "organization_id": organization.pk}
    if names is None and cfg["names"]:
        names = member_names([organization.pk], {organization.pk: organization})[organization.pk]
    norm = textsim.normalize(_prepare(text, row, src), names or ())
    if len(norm) < int(cfg["min_chars"]):
        _store([], [existing.pk] if existing is not None else [], params)
        return None
    entry = {
        "ct": ct.pk,
        "object_id": obj.pk,
        "kind": kind,
        "org": organization.pk,
        "date": date,
        "hash": digest,
        "norm": norm,
        "shingles": textsim.shingle_hashes(norm, params.shingle),
    }
    _store([entry], [], params)
    return TextSignature.objects.get(content_type=ct, object_id=obj.pk, kind=kind)


def index_saved(model: Any, pk: int) -> TextSignature | None:
    """Index the text of one saved record of a source (after its transaction commits): its current
    row, its kind and date as the bulk indexer would see them; a record whose kind changed loses its
    old signature, an emptied or deleted one all of them. Never raises: the record is saved, and the
    next run's sync_index indexes whatever is missing."""
    src = source_for_model(model)
    if src is None:
        return None
    try:
        ct = ContentType.objects.get_for_model(model)
        row = model.objects.filter(pk=pk).values(*src.values()).first()
        mine = TextSignature.objects.filter(content_type=ct, object_id=pk)
        if row is None or not row[src.field]:
            _delete_signatures(mine)
            return None
        kind = src.kind(row)
        _delete_signatures(mine.exclude(kind=kind))
        organization = apps.get_model("orgs", "Organization").objects.get(pk=row["organization_id"])
        obj = model(pk=pk)
        return index_text(
            obj=obj, text=row[src.field], kind=kind, organization=organization, date=src.date(row)
        )
    except Exception:  # the save itself has succeeded; a failed index entry is rebuilt by the next run
        log.exception("indexing %s %s for the copied-text check failed", model._meta.label, pk)
        return None


def connect_saves() -> None:
    """Index each source's texts as they are saved or deleted (bulk writes, as the demo and the
    importers make, are indexed by the next run's sync_index instead)."""
    from django.db.models.signals import post_delete, post_save

    for src in SOURCES:
        if not apps.is_installed(src.app):
            continue
        model = src.model_class()

        def saved(sender: Any, instance: Any, **kwargs: Any) -> None:
            pk = instance.pk  # a deleted instance has none by the time its transaction commits
            transaction.on_commit(lambda: index_saved(sender, pk), using=kwargs.get("using"))

        post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"textindex-save-{src.key}")
        post_delete.connect(saved, sender=model, weak=False, dispatch_uid=f"textindex-delete-{src.key}")


@dataclass
class SyncResult:
    scanned: int = 0
    indexed: int = 0
    removed: int = 0
    unchanged: int = 0


def sync_index(
    root: Any,
    orgs: dict[int, Any],
    notes: list[str],
    cfg: dict[str, Any] | None = None,
    cache: dict[str, Any] | None = None,
) -> SyncResult:
    """Bring the index of the subtree of `root` up to date: only new and changed texts are computed.
    `cache`: a run's cache, where the texts read here are kept for the run's other text rules."""
    cfg = cfg or config()
    params = params_of(cfg)
    result = SyncResult()
    for src in SOURCES:
        ok, why = src.available()
        if not ok:
            if why not in notes:
                notes.append(why)
            continue
        model = src.model_class()
        ct = ContentType.objects.get_for_model(model)
        rows = source_rows(root, src, cache)
        existing = {
            (s["object_id"], s["kind"]): s
            for s in TextSignature.objects.filter(
                content_type=ct, organization__path__startswith=root.path
            ).values("pk", "object_id", "kind", "content_hash", "organization_id", "date")
        }
        result.scanned += len(rows)
        changed: list[tuple[dict[str, Any], str, dt.date, str]] = []
        seen: set[tuple[int, str]] = set()
        for row in rows:
            kind, date = src.kind(row), src.date(row)
            key = (row["pk"], kind)
            seen.add(key)
            digest = textsim.content_hash(row[src.field], params)
            old = existing.get(key)
            if (
                old
                and old["content_hash"] == digest
                and old["organization_id"] == row["organization_id"]
                and old["date"] == date
            ):
                result.unchanged += 1
                continue
            changed.append((row, kind, date, digest))
        stale = [s["pk"] for key, s in existing.items() if key not in seen]
        names = (
            member_names({r["organization_id"] for r, *_ in changed}, orgs)
            if cfg["names"] and changed
            else {}
        )
        entries, drop = [], list(stale)
        for row, kind, date, digest in changed:
            old = existing.get((row["pk"], kind))
            norm = textsim.normalize(
                _prepare(row[src.field], row, src), names.get(row["organization_id"], ())
            )
            if len(norm) < int(cfg["min_chars"]):
                if old:
                    drop.append(old["pk"])
                continue
            entries.append(
                {
                    "ct": ct.pk,
                    "object_id": row["pk"],
                    "kind": kind,
                    "org": row["organization_id"],
                    "date": date,
                    "hash": digest,
                    "norm": norm,
                    "shingles": textsim.shingle_hashes(norm, params.shingle),
                }
            )
        _store(entries, drop, params)
        result.indexed += len(entries)
        result.removed += len(stale)
    return result


def sync_all(notes: list[str] | None = None) -> SyncResult:
    """Index the texts of every tree (each top-level organization's subtree): what saving through the
    pages does text by text, in bulk, after a bulk load (the demo) or to rebuild the index."""
    from dangjian.orgs.models import Organization

    notes = [] if notes is None else notes
    everything = list(Organization.objects.order_by("path"))
    total = SyncResult()
    for root in (o for o in everything if o.parent_id is None):
        orgs = {o.pk: o for o in everything if o.path.startswith(root.path)}
        done = sync_index(root, orgs, notes)
        for f in fields(SyncResult):
            setattr(total, f.name, getattr(total, f.name) + getattr(done, f.name))
    return total


# ---------------------------------------------------------------------------------- candidates


def candidate_pairs(
    root: Any, start: dt.date, end: dt.date, max_bucket: int = 100, min_bands: int = 1
) -> list[tuple[int, int]]:
    """candidate_arrays as a list of (a, b) pairs."""
    a, b = candidate_arrays(root, start, end, max_bucket, min_bands)
    return list(zip(a.tolist(), b.tolist(), strict=True))


def candidate_arrays(
    root: Any, start: dt.date, end: dt.date, max_bucket: int = 100, min_bands: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Signature pairs (a, b) sharing a band: a dated in the period, b in the subtree dated up to its
    end; each unordered pair once, in (a, b) order. Two queries read the subtree's signatures (id,
    date) and their bands once, through the organization index (never the whole band table); the
    buckets (band, hash) holding 2 to `max_bucket` texts are then paired in numpy, and the pairs
    sharing `min_bands` bands or more kept. (A self-join of the
    band table in SQL costs one row per shared band of every pair, up to `bands` times the pairs.)"""
    band, sig = TextBand._meta.db_table, TextSignature._meta.db_table
    org = apps.get_model("orgs", "Organization")._meta.db_table
    in_tree, tree_params = path_prefix_sql("o.path", root.path, connection.vendor)
    subtree = f"JOIN {org} o ON o.id = s.organization_id WHERE {in_tree} AND s.date <= %s"
    none = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT s.id, s.date FROM {sig} s {subtree}", [*tree_params, end])  # noqa: S608
        dates = cursor.fetchall()
        if len(dates) < 2:
            return none
        cursor.execute(
            f"SELECT t.band, t.hash, t.signature_id FROM {band} t JOIN {sig} s ON s.id = t.signature_id {subtree}",  # noqa: S608
            [*tree_params, end],
        )
        fetched = cursor.fetchall()
        rows = np.fromiter(chain.from_iterable(fetched), dtype=np.int64, count=3 * len(fetched)).reshape(
            -1, 3
        )
        del fetched
    ids = np.fromiter((i for i, _ in dates), dtype=np.int64, count=len(dates))
    days = np.fromiter(
        ((d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)[:10])).toordinal() for _, d in dates),
        dtype=np.int64,
        count=len(dates),
    )
    rows = rows[np.lexsort((rows[:, 2], rows[:, 1], rows[:, 0]))]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows[1:, 0] != rows[:-1, 0]) | (rows[1:, 1] != rows[:-1, 1])
    group = np.cumsum(first) - 1
    sizes = np.bincount(group) if len(group) else np.zeros(0, dtype=np.int64)
    keep = (sizes[group] >= 2) & (sizes[group] <= int(max_bucket))
    group, sid = group[keep], rows[keep, 2]
    if len(sid) == 0:
        return none
    by_id = np.argsort(ids)
    day = days[by_id[np.searchsorted(ids, sid, sorter=by_id)]]
    size = sizes[group]
    lo, hi, width = start.toordinal(), end.toordinal(), int(ids.max()) + 1
    found = []
    for d in range(1, int(size.max())):  # members d apart in one bucket
        if d > 1:  # buckets of d texts or fewer have no pair d apart: left out from here on
            bigger = size > d
            group, sid, day, size = group[bigger], sid[bigger], day[bigger], size[bigger]
        same = group[:-d] == group[d:]
        x, y, dx, dy = sid[:-d][same], sid[d:][same], day[:-d][same], day[d:][same]
        forward = (x != y) & (dx >= lo) & (dx <= hi) & ((dy < lo) | (y < x))
        backward = (x != y) & (dy >= lo) & (dy <= hi) & ((dx < lo) | (x < y))
        found.append(np.concatenate([x[forward] * width + y[forward], y[backward] * width + x[backward]]))
    keys = np.sort(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
    if len(keys):  # distinct pairs, each found once per band the two texts share
        starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
        shared = np.diff(np.append(starts, len(keys)))
        keys = keys[starts[shared >= int(min_bands)]]
    return keys // width, keys % width


@dataclass
class TextRef:
    signature_id: int
    source: TextSource
    object_id: int
    kind: str
    organization_id: int
    date: dt.date
    row: dict[str, Any]

    @property
    def title(self) -> str:
        return self.source.title(self.row) if self.source.title else self.source.label

    def link(self) -> tuple[str, tuple[Any, ...]]:
        return self.source.url(self.row) if self.source.url else ("", ())

    @property
    def subject(self) -> str:
        return f"{self.source.model}:{self.object_id}"


@dataclass
class SimilarPair:
    a: TextRef  # the text dated in the period (the later one when both are)
    b: TextRef
    similarity: float
    estimate: float


@dataclass
class Detection:
    """Confirmed pairs (a in the period, b earlier or in the period with a smaller id), each pair
    once; identical texts (same normalized text) are linked through their group only: every member
    to the earliest one, so a cluster of n identical texts gives n - 1 pairs, not n(n-1)/2."""

    pairs: list[SimilarPair]
    groups: list[list[int]]  # signature ids of identical texts, earliest first
    stats: dict[str, int]


def _oriented(
    pairs: tuple[np.ndarray, np.ndarray], meta: dict[int, dict[str, Any]], group_of: dict[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """The candidate pairs among the texts of `meta`, apart from pairs inside one group of identical
    texts (reported as such), each with the later text first (by date, then id): the copy is reported
    on the organization that made it."""
    a, b = pairs
    pks = np.array(sorted(meta), dtype=np.int64)
    if not len(a) or not len(pks):
        return a[:0], b[:0]
    day = np.array([meta[pk]["date"].toordinal() for pk in pks.tolist()], dtype=np.int64)
    group = np.array([group_of.get(pk, -1) for pk in pks.tolist()], dtype=np.int64)
    ia, ib = np.searchsorted(pks, a).clip(max=len(pks) - 1), np.searchsorted(pks, b).clip(max=len(pks) - 1)
    keep = (pks[ia] == a) & (pks[ib] == b)
    keep &= ~((group[ia] >= 0) & (group[ia] == group[ib]))
    a, b, ia, ib = a[keep], b[keep], ia[keep], ib[keep]
    swap = (day[ia] < day[ib]) | ((day[ia] == day[ib]) & (a < b))
    return np.where(swap, b, a), np.where(swap, a, b)


def detect(
    root: Any,
    start: dt.date,
    end: dt.date,
    orgs: dict[int, Any],
    cfg: dict[str, Any] | None = None,
    cache: dict[str, Any] | None = None,
) -> Detection:
    """Copies among the texts of the subtree: identical groups by hash, other candidates from the
    bands, estimated from their signatures, then checked exactly on the texts of the candidates.
    `cache`: a run's cache holding the texts sync_index read (else the candidates' rows are read)."""
    cfg = cfg or config()
    params = params_of(cfg)
    threshold = float(cfg["threshold"])
    stats = {"texts": 0, "identical": 0, "candidates": 0, "estimated": 0, "confirmed": 0}
    meta = {
        s["pk"]: s
        for s in TextSignature.objects.filter(
            organization__path__startswith=root.path, date__lte=end, params=params.key
        ).values(
            "pk", "content_type_id", "object_id", "kind", "organization_id", "date", "norm_hash", "signature"
        )
    }
    stats["texts"] = len(meta)
    by_hash: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s in meta.values():
        by_hash[s["norm_hash"]].append(s)
    groups: list[list[int]] = []
    group_of: dict[int, int] = {}
    identical: list[tuple[int, int]] = []
    for items in by_hash.values():
        if len(items) < 2:
            continue
        items.sort(key=lambda s: (s["date"], s["pk"]))
        if not any(start <= s["date"] for s in items[1:]):
            continue
        groups.append([s["pk"] for s in items])
        for s in items:
            group_of[s["pk"]] = len(groups) - 1
        first = items[0]
        identical += [(s["pk"], first["pk"]) for s in items[1:] if s["date"] >= start]
    stats["identical"] = len(identical)
    a, b = _oriented(
        candidate_arrays(root, start, end, int(cfg["max_bucket"]), int(cfg["min_bands"])), meta, group_of
    )
    stats["candidates"] = len(a)
    kept: list[tuple[int, int, float]] = []
    if len(a):
        ids = np.unique(np.concatenate([a, b]))
        matrix = np.stack([textsim.from_blob(meta[pk]["signature"]) for pk in ids.tolist()])
        left, right = np.searchsorted(ids, a), np.searchsorted(ids, b)
        cut = threshold - float(cfg["estimate_slack"])
        estimates = np.empty(len(a))
        for i in range(0, len(a), 20000):
            estimates[i : i + 20000] = (matrix[left[i : i + 20000]] == matrix[right[i : i + 20000]]).mean(
                axis=1
            )
        chosen = np.flatnonzero(estimates >= cut)
        kept = list(zip(a[chosen].tolist(), b[chosen].tolist(), estimates[chosen].tolist(), strict=True))
    stats["estimated"] = len(kept)
    needed = {i for a, b, _ in kept for i in (a, b)} | {i for p in identical for i in p}
    refs, shingles = _load_texts(
        root, needed, meta, orgs, cfg, params, exact={i for a, b, _ in kept for i in (a, b)}, cache=cache
    )
    out = [SimilarPair(refs[a], refs[b], 1.0, 1.0) for a, b in identical if a in refs and b in refs]
    for a, b, est in kept:
        if a not in shingles or b not in shingles:
            continue
        similarity = textsim.jaccard(shingles[a], shingles[b])
        if similarity >= threshold:
            out.append(SimilarPair(refs[a], refs[b], similarity, est))
    stats["confirmed"] = len(out)
    out.sort(key=lambda p: (p.a.organization_id, p.a.date, p.a.signature_id, p.b.signature_id))
    return Detection(out, groups, stats)


def _load_texts(
    root: Any,
    needed: set[int],
    meta: dict[int, dict[str, Any]],
    orgs: dict[int, Any],
    cfg: dict[str, Any],
    params: textsim.Params,
    exact: set[int],
    cache: dict[str, Any] | None = None,
) -> tuple[dict[int, TextRef], dict[int, np.ndarray]]:
    """The rows of the needed texts (one query per source, or the run's cache), and the shingles of
    those in `exact`."""
    by_ct: dict[int, set[int]] = defaultdict(set)
    for pk in needed:
        by_ct[meta[pk]["content_type_id"]].add(meta[pk]["object_id"])
    rows: dict[tuple[int, int], dict[str, Any]] = {}
    src_by_ct: dict[int, TextSource] = {}
    for ct_id, object_ids in by_ct.items():
        model = ContentType.objects.get_for_id(ct_id).model_class()
        src = source_for_model(model) if model else None
        if src is None:
            continue
        src_by_ct[ct_id] = src
        if cache is not None:  # the run's texts, as sync_index read them
            for row in source_rows(root, src, cache):
                if row["pk"] in object_ids:
                    rows[(ct_id, row["pk"])] = row
            continue
        ordered = sorted(object_ids)
        for i in range(0, len(ordered), 900):
            for row in model.objects.filter(
                pk__in=ordered[i : i + 900], **{f"{src.org_path}__startswith": root.path}
            ).values(*src.values()):
                rows[(ct_id, row["pk"])] = row
    names = (
        member_names({meta[pk]["organization_id"] for pk in exact}, orgs) if cfg["names"] and exact else {}
    )
    refs: dict[int, TextRef] = {}
    shingles: dict[int, np.ndarray] = {}
    for pk in needed:
        s = meta[pk]
        row = rows.get((s["content_type_id"], s["object_id"]))
        src = src_by_ct.get(s["content_type_id"])
        if row is None or src is None:
            continue
        refs[pk] = TextRef(pk, src, s["object_id"], s["kind"], s["organization_id"], s["date"], row)
        if pk in exact:
            norm = textsim.normalize(_prepare(row[src.field], row, src), names.get(s["organization_id"], ()))
            shingles[pk] = textsim.shingle_hashes(norm, params.shingle)
    return refs, shingles
