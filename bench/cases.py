"""The measurements of the suite, one function per case, each run in its own process on one size's
database (bench/run.py starts them). A case returns a list of metrics:

    {"name": "selfcheck.warm_s", "value": 12.3, "unit": "s", "better": "lower", "note": "..."}

`better` is "lower" or "higher" for what --compare judges, None for counts and sizes.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import tempfile
import time
import types
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.common import PERIOD, SEED, TODAY, count_queries, demo_today, median_of, p95, peak_memory, timed

Metrics = list[dict[str, Any]]


def metric(
    name: str, value: Any, unit: str = "", better: str | None = None, note: str = ""
) -> dict[str, Any]:
    if isinstance(value, float):
        value = round(value, 6)
    return {"name": name, "value": value, "unit": unit, "better": better, "note": note}


def memory(name: str, peak: Any) -> dict[str, Any]:
    return metric(
        f"{name}.peak_mb",
        round(peak.peak_mb, 1),
        "MB",
        "lower",
        f"peak RSS of the process during the measurement (+{peak.added_mb:.0f} MB over its start)"
        + ("" if peak.own else "; process-wide peak (no /proc/self/clear_refs)"),
    )


def roots() -> list[Any]:
    from dangjian.orgs.models import Organization

    return list(Organization.objects.filter(parent__isnull=True).order_by("path"))


def street_user() -> Any:
    from dangjian.accounts.models import User

    return User.objects.get(username="street")


def size_facts() -> Metrics:
    from dangjian.members.models import Member
    from dangjian.orgs.models import Organization

    return [
        metric("size.members", Member.objects.current().count(), "members"),
        metric("size.organizations", Organization.objects.count(), "orgs"),
        metric("size.streets", Organization.objects.filter(parent__isnull=True).count(), "roots"),
        metric(
            "size.communities",
            Organization.objects.filter(parent__parent__isnull=True, parent__isnull=False)
            .exclude(kind="branch", parent__kind="street_committee", name__contains="机关")
            .count(),
            "communities",
        ),
    ]


# ------------------------------------------------------------------------------------------ self-check


def _reset_selfcheck() -> None:
    """No runs and no text index: the index is then rebuilt and timed on its own, and the runs find it
    current, as every run of a deployment does (texts are indexed as they are saved)."""
    from django.db import transaction

    from dangjian.selfcheck.models import Run, RunFinding, TextBand, TextSignature

    with transaction.atomic():
        for model in (RunFinding, Run, TextBand, TextSignature):
            qs = model.objects.all()
            qs._raw_delete(qs.db)


def _floor_models() -> list[Any]:
    from django.apps import apps

    from dangjian.selfcheck import engine

    labels = sorted({label for r in engine.enabled_rules() for label in r.reads})
    return [apps.get_model(label) for label in labels]


def read_floor(below: int | None = None) -> int:
    """The plain read of every record the rules read: each row of each model of the rules' `reads`,
    every column, once, through the ORM (values_list: no model instances). With the runs covering
    every root that is every row of those tables; at district10 with only the first copies checked,
    the rows of those copies (primary key below `below`; the text index holds only theirs)."""
    rows = 0
    for model in _floor_models():
        columns = [f.attname for f in model._meta.concrete_fields]
        qs = model.objects.all()
        if below is not None and model._meta.app_label != "selfcheck":
            qs = qs.filter(pk__lt=below)
        for _ in qs.values_list(*columns).iterator(chunk_size=5000):
            rows += 1
    return rows


def checked_roots(opts: dict[str, Any]) -> tuple[list[Any], int | None, str]:
    """The roots the self-check runs on: all of them, or at district10 those of the first
    `sample_copies` copies of the district (bench/city.py), with the id bound of those copies."""
    import json

    from django.conf import settings

    tops = roots()
    info = Path(settings.DATA_DIR) / "city.json"
    wanted = opts.get("sample_copies")
    if not wanted or not info.exists():
        return tops, None, f"all {len(tops)}"
    city = json.loads(info.read_text())
    if int(wanted) >= int(city["copies"]):
        return tops, None, f"all {len(tops)}"
    below = int(wanted) * int(city["offset"])
    chosen = [r for r in tops if r.pk < below]
    return (
        chosen,
        below,
        f"{len(chosen)} of {len(tops)} (the first {wanted} of {city['copies']} district copies)",
    )


def case_selfcheck(size: str, opts: dict[str, Any]) -> Metrics:
    from dangjian.selfcheck import services

    tops, below, which = checked_roots(opts)
    _reset_selfcheck()

    def one_pass() -> list[Any]:
        done = []
        for root in tops:
            run = services.run_create(
                actor=None,
                organization=root,
                period_start=PERIOD[0],
                period_end=PERIOD[1],
                check_permission=False,
            )
            done.append(services.run_execute(run.pk))
        return done

    def index_all() -> int:
        from dangjian.selfcheck import engine, textindex

        indexed = 0
        for root in tops:
            ctx = engine.build_context(root, PERIOD[0], PERIOD[1], TODAY)
            indexed += textindex.sync_index(root, ctx.orgs, []).indexed
        return indexed

    out: Metrics = []
    with demo_today():
        # The index rebuilt from nothing, alone: in use each text is indexed as it is saved (and the
        # demo indexes what it loads), so no run builds it in bulk; this is what that indexing costs.
        with peak_memory() as index_mem:
            index_s, indexed = timed(index_all)
        with peak_memory() as warm_mem, count_queries() as queries:
            warm_s, warm_runs = timed(one_pass)
        with peak_memory() as floor_mem:
            floor_s, records = timed(lambda: read_floor(below))
        # Once more each, in turn, and the quicker of each: a shared machine's pauses fall on one
        # side of the ratio or the other, not on both measurements of one side.
        warm_s = min(warm_s, timed(one_pass)[0])
        floor_s = min(floor_s, timed(lambda: read_floor(below))[0])
    failed = [r for r in warm_runs if r.status != "done"]
    if failed:
        raise RuntimeError(f"self-check runs failed: {[(r.pk, r.message) for r in failed]}")
    timings: dict[str, float] = defaultdict(float)
    for r in warm_runs:
        for code, seconds in (r.timings or {}).items():
            timings[code] += seconds
    top = sorted(timings.items(), key=lambda kv: -kv[1])[:4]
    n = len(tops)
    out += [
        metric(
            "selfcheck.roots",
            n,
            "runs",
            note=f"one run per top-level organization (street committee): {which}",
        ),
        metric("selfcheck.records", records, "records", note="rows of the tables the rules read"),
        metric(
            "selfcheck.warm_s",
            warm_s,
            "s",
            "lower",
            "a run (the text index is current: texts are indexed as they are saved)",
        ),
        metric("selfcheck.floor_s", floor_s, "s", None, "plain ORM read of every record the rules read"),
        metric("selfcheck.warm_ratio", warm_s / floor_s, "x floor", "lower"),
        metric("selfcheck.warm_us_per_record", warm_s / records * 1e6, "µs/record", "lower"),
    ]
    if below is not None:
        everything = len(roots())
        out.append(
            metric(
                "selfcheck.warm_s_all_estimate",
                warm_s * everything / n,
                "s",
                None,
                f"estimate for all {everything} roots (measured {n} × {everything / n:g}); not measured",
            )
        )
    out += [
        metric(
            "selfcheck.index_s",
            index_s,
            "s",
            "lower",
            f"text index of the runs' roots rebuilt from nothing ({indexed} texts; no run does this)",
        ),
        metric(
            "selfcheck.index_ms_per_text",
            index_s / max(indexed, 1) * 1e3,
            "ms/text",
            "lower",
            "what indexing adds to saving one text (in bulk)",
        ),
        memory("selfcheck.index", index_mem),
    ]
    out += [
        metric("selfcheck.floor_us_per_record", floor_s / records * 1e6, "µs/record", None),
        metric("selfcheck.text_rule_warm_s", timings.get("TEXT-001", 0.0), "s", "lower"),
        metric(
            "selfcheck.queries_per_run",
            round(queries.count / n, 1),
            "queries",
            None,
            "warm run; includes the run's own bookkeeping",
        ),
        metric("selfcheck.findings", sum(r.total for r in warm_runs), "findings"),
        metric(
            "selfcheck.slowest_rules",
            ", ".join(f"{code} {seconds:.1f}s" for code, seconds in top),
            "",
            note="warm runs, summed over the roots",
        ),
        memory("selfcheck.warm", warm_mem),
        memory("selfcheck.floor", floor_mem),
    ]
    return out


# ------------------------------------------------------------------------------------------ copied texts


def _texts(
    orgs: dict[int, Any], cfg: dict[str, Any], root: Any = None
) -> list[tuple[tuple[int, int, str], int, str]]:
    """((content type, object id, kind), organization, normalized text) of every text the index would
    hold (of `root`'s subtree, or of the whole database), normalized exactly as
    dangjian.selfcheck.textindex.sync_index does (`orgs`: the organizations of that scope)."""
    from django.contrib.contenttypes.models import ContentType

    from dangjian.lib import textsim
    from dangjian.selfcheck import textindex

    out = []
    for src in textindex.SOURCES:
        ok, _ = src.available()
        if not ok:
            continue
        model = src.model_class()
        ct = ContentType.objects.get_for_model(model).pk
        qs = (
            model.objects.all()
            if root is None
            else model.objects.filter(**{f"{src.org_path}__startswith": root.path})
        )
        rows = list(qs.exclude(**{src.field: ""}).values(*src.values()))
        names = textindex.member_names({r["organization_id"] for r in rows}, orgs) if cfg["names"] else {}
        for row in rows:
            norm = textsim.normalize(
                textindex._prepare(row[src.field], row, src), names.get(row["organization_id"], ())
            )
            if len(norm) >= int(cfg["min_chars"]):
                out.append(((ct, row["pk"], src.kind(row)), row["organization_id"], norm))
    return out


def lsh_candidates(bands: Any) -> set[tuple[int, int]]:
    """Pairs (i < j) of rows sharing any band hash: bands of shape (n, b)."""
    import numpy as np

    n, b = bands.shape
    col = np.repeat(np.arange(b, dtype=np.int64), n)
    hashes = bands.T.reshape(-1)
    idx = np.tile(np.arange(n, dtype=np.int64), b)
    order = np.lexsort((idx, hashes, col))
    col, hashes, idx = col[order], hashes[order], idx[order]
    first = np.ones(len(idx), dtype=bool)
    first[1:] = (col[1:] != col[:-1]) | (hashes[1:] != hashes[:-1])
    group = np.cumsum(first) - 1
    sizes = np.bincount(group)
    found = []
    for d in range(1, int(sizes.max())):
        same = group[:-d] == group[d:]
        if not same.any():
            break
        found.append(idx[:-d][same] * n + idx[d:][same])
    keys = np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
    return {(int(k // n), int(k % n)) for k in keys}


def brute_force_pairs(
    shingles: list[Any], threshold: float, block: int = 500
) -> tuple[set[tuple[int, int]], int]:
    """Exact Jaccard of every pair (a sparse incidence matrix times its transpose, `block` rows at a
    time): the pairs at or above `threshold`, and the number of pairs compared."""
    import numpy as np
    from scipy import sparse

    vocab: dict[int, int] = {}
    rows, cols = [], []
    for i, s in enumerate(shingles):
        for h in s.tolist():
            rows.append(i)
            cols.append(vocab.setdefault(h, len(vocab)))
    n = len(shingles)
    m = sparse.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(n, len(vocab)))
    size = np.asarray(m.sum(axis=1)).ravel()
    mt = m.T.tocsc()
    out: set[tuple[int, int]] = set()
    for lo in range(0, n, block):
        hi = min(n, lo + block)
        inter = (m[lo:hi] @ mt).toarray()
        union = size[lo:hi, None] + size[None, :] - inter
        with np.errstate(divide="ignore", invalid="ignore"):
            hit = (union > 0) & (inter >= threshold * union)
        i, j = np.nonzero(hit)
        i = i + lo
        keep = j > i
        out.update(zip(i[keep].tolist(), j[keep].tolist(), strict=True))
    return out, n * (n - 1) // 2


def case_textsim(size: str, opts: dict[str, Any]) -> Metrics:
    import numpy as np
    from datasketch import MinHash, MinHashLSH

    from dangjian.lib import textsim
    from dangjian.orgs.models import Organization
    from dangjian.selfcheck import engine, textindex

    cfg = textindex.config()
    params = textindex.params_of(cfg)
    threshold = float(cfg["threshold"])
    orgs = {o.pk: o for o in Organization.objects.all()}
    every = _texts(orgs, cfg)
    rng = random.Random(SEED)
    cap = int(opts.get("text_cap", 10000))
    chosen = sorted(rng.sample(range(len(every)), min(cap, len(every))))
    norms = [every[i][2] for i in chosen]
    out: Metrics = [
        metric(
            "textsim.texts", len(norms), "texts", note=f"random sample of the {len(every)} indexable texts"
        ),
        metric(
            "textsim.params",
            f"k={params.shingle} num_perm={params.num_perm} bands={params.bands}x{params.rows} threshold={threshold}",
        ),
    ]

    def ours() -> tuple[set[tuple[int, int]], list[Any]]:
        shingles = [textsim.shingle_hashes(n, params.shingle) for n in norms]
        sigs = textsim.minhash_many(shingles, params)
        return lsh_candidates(textsim.band_hashes(sigs, params)), shingles

    def theirs() -> set[tuple[int, int]]:
        lsh = MinHashLSH(threshold=threshold, num_perm=params.num_perm, params=(params.bands, params.rows))
        hashes = []
        for n in norms:
            m = MinHash(num_perm=params.num_perm, seed=params.seed)
            m.update_batch([s.encode("utf-8") for s in textsim.shingle_set(n, params.shingle)])
            hashes.append(m)
        with lsh.insertion_session() as session:
            for i, m in enumerate(hashes):
                session.insert(i, m, check_duplication=False)
        pairs = set()
        for i, m in enumerate(hashes):
            for j in lsh.query(m):
                if j != i:
                    pairs.add((min(i, j), max(i, j)))
        return pairs

    repeat = int(opts.get("repeat", 2))
    ours_times, theirs_times = [], []
    with peak_memory() as ours_mem:
        for _ in range(repeat):
            seconds, (ours_pairs, shingles) = timed(ours)
            ours_times.append(seconds)
    with peak_memory() as theirs_mem:
        for _ in range(int(opts.get("datasketch_repeat", 1))):
            seconds, theirs_pairs = timed(theirs)
            theirs_times.append(seconds)
    ours_s, theirs_s = statistics.median(ours_times), statistics.median(theirs_times)

    def confirmed(pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
        return {(a, b) for a, b in pairs if textsim.jaccard(shingles[a], shingles[b]) >= threshold}

    ours_ok, theirs_ok = confirmed(ours_pairs), confirmed(theirs_pairs)
    out += [
        metric(
            "textsim.ours_s", ours_s, "s", "lower", "shingles, MinHash, LSH bands, candidate pairs (numpy)"
        ),
        metric(
            "textsim.datasketch_s", theirs_s, "s", None, "MinHash.update_batch, MinHashLSH insert and query"
        ),
        metric("textsim.speed_ratio", theirs_s / ours_s, "x (datasketch / ours)", "higher"),
        metric("textsim.ours_candidates", len(ours_pairs), "pairs"),
        metric("textsim.datasketch_candidates", len(theirs_pairs), "pairs"),
        metric(
            "textsim.ours_confirmed",
            len(ours_ok),
            "pairs",
            note=f"candidates with exact Jaccard ≥ {threshold}",
        ),
        metric("textsim.datasketch_confirmed", len(theirs_ok), "pairs"),
        memory("textsim.ours", ours_mem),
        memory("textsim.datasketch", theirs_mem),
    ]

    # Recall and precision of the self-check's detector (textindex.detect on its stored index) against
    # brute-force exact Jaccard over a sample: every text of a few communities of the first root; then
    # the same with edited copies of some of the sample's minutes added (in a transaction rolled back),
    # since the demo's own copies are few.
    root = roots()[0]
    ctx = engine.build_context(root, PERIOD[0], PERIOD[1], TODAY)
    with demo_today():
        index_s, synced = timed(lambda: textindex.sync_index(root, ctx.orgs, [], cfg))
    in_root = _texts(ctx.orgs, cfg, root)
    community_of: dict[int, int] = {}
    for o in ctx.orgs.values():
        ids = [int(p) for p in o.path.strip("/").split("/")]
        community_of[o.pk] = ids[1] if len(ids) > 1 else ids[0]
    communities = sorted({community_of[org] for _, org, _ in in_root})
    rng.shuffle(communities)
    wanted, sample = int(opts.get("recall_sample", 6000)), []
    for c in communities:
        part = [t for t in in_root if community_of[t[1]] == c]
        if sample and len(sample) + len(part) > wanted * 1.2:
            continue
        sample += part
        if len(sample) >= wanted:
            break
    natural = detector_recall(root, ctx, cfg, sample)
    edited = with_edited_copies(root, ctx, cfg, sample, int(opts.get("edited_copies", 1500)), rng)
    out += [
        metric(
            "textsim.sample_texts", len(sample), "texts", note=f"{root.name}: every text of some communities"
        ),
        metric(
            "textsim.sample_pairs",
            natural["compared"],
            "pairs",
            note="compared by brute force (exact Jaccard)",
        ),
        metric("textsim.sample_true_pairs", natural["truth"], "pairs", note=f"exact Jaccard ≥ {threshold}"),
        metric(
            "textsim.sample_recall", natural["recall"], "", "higher", "textindex.detect, the sample as it is"
        ),
        metric("textsim.sample_precision", natural["precision"], "", "higher"),
        metric(
            "textsim.edited_copies",
            edited["added"],
            "texts",
            note="edited copies of the sample's minutes added",
        ),
        metric(
            "textsim.edited_true_pairs",
            edited["truth"],
            "pairs",
            note=f"exact Jaccard ≥ {threshold}, sample + copies",
        ),
        metric(
            "textsim.edited_near_threshold",
            edited["near"],
            "pairs",
            note=f"of them with Jaccard < {threshold + 0.1:.1f}",
        ),
        metric(
            "textsim.detector_recall",
            edited["recall"],
            "",
            "higher",
            "textindex.detect, sample + edited copies",
        ),
        metric("textsim.detector_precision", edited["precision"], "", "higher"),
        metric("textsim.brute_force_s", edited["brute_s"], "s", None, "sample + edited copies"),
        metric(
            "textsim.index_root_s", index_s, "s", None, f"sync_index of {root.name} ({synced.indexed} new)"
        ),
        metric(
            "textsim.detect_root_s",
            natural["detect_s"],
            "s",
            "lower",
            f"textindex.detect over {root.name}, 5 years",
        ),
        metric("textsim.detect_stats", ", ".join(f"{k} {v}" for k, v in natural["stats"].items())),
    ]
    del np
    return out


def detector_recall(root: Any, ctx: Any, cfg: dict[str, Any], sample: list[Any]) -> dict[str, Any]:
    """Run textindex.detect over the root (index current) and compare its pairs inside `sample` with the
    pairs of `sample` at or above the threshold by brute force."""
    from dangjian.lib import textsim
    from dangjian.selfcheck import textindex
    from dangjian.selfcheck.models import TextSignature

    params, threshold = textindex.params_of(cfg), float(cfg["threshold"])
    with demo_today():
        detect_s, found = timed(lambda: textindex.detect(root, PERIOD[0], PERIOD[1], ctx.orgs, cfg))
    position = {key: i for i, (key, _, _) in enumerate(sample)}
    shingles = [textsim.shingle_hashes(n, params.shingle) for _, _, n in sample]
    brute_s, (truth, compared) = timed(lambda: brute_force_pairs(shingles, threshold))
    sig_key = {
        pk: (ct, oid, kind)
        for pk, ct, oid, kind in TextSignature.objects.filter(
            organization__path__startswith=root.path
        ).values_list("pk", "content_type_id", "object_id", "kind")
    }

    def pos(signature_id: int) -> int | None:
        key = sig_key.get(signature_id)
        return position.get(key) if key is not None else None

    detected: set[tuple[int, int]] = set()
    for p in found.pairs:
        a, b = pos(p.a.signature_id), pos(p.b.signature_id)
        if a is not None and b is not None:
            detected.add((min(a, b), max(a, b)))
    for group in found.groups:  # identical texts: every pair of the group
        members = sorted(x for x in (pos(s) for s in group) if x is not None)
        detected.update(
            (members[i], members[j]) for i in range(len(members)) for j in range(i + 1, len(members))
        )
    hit = len(detected & truth)
    near = sum(1 for a, b in truth if textsim.jaccard(shingles[a], shingles[b]) < threshold + 0.1)
    return {
        "truth": len(truth),
        "near": near,
        "compared": compared,
        "recall": hit / len(truth) if truth else 1.0,
        "precision": hit / len(detected) if detected else 1.0,
        "detect_s": detect_s,
        "brute_s": brute_s,
        "stats": found.stats,
    }


def edit_text(text: str, rate: float, rng: random.Random) -> str:
    """`text` with about `rate` of its letters replaced by other letters of the same text."""
    chars = list(text)
    letters = [i for i, c in enumerate(chars) if c.isalpha()]
    pool = [chars[i] for i in letters] or ["字"]
    for i in rng.sample(letters, int(len(letters) * rate)):
        chars[i] = rng.choice(pool)
    return "".join(chars)


def with_edited_copies(
    root: Any, ctx: Any, cfg: dict[str, Any], sample: list[Any], count: int, rng: random.Random
) -> dict[str, Any]:
    """Copies of `count` minutes of the sample, each with 0–8 % of its letters changed (so their
    similarity to the original spreads from about 0.55 to 1), saved, indexed and detected with the rest;
    everything rolled back afterwards."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from dangjian.life.models import Activity

    ct = ContentType.objects.get_for_model(Activity).pk
    minutes = [t for t in sample if t[0][0] == ct]
    chosen = rng.sample(minutes, min(count, len(minutes)))
    originals = Activity.objects.in_bulk([key[1] for key, _, _ in chosen])
    with transaction.atomic():
        copies = []
        for key, _, _ in chosen:
            a = originals[key[1]]
            a.pk = a.id = None
            a.minutes = edit_text(a.minutes, rng.uniform(0.0, 0.08), rng)
            copies.append(a)
        created = Activity.objects.bulk_create(copies, batch_size=500)
        from dangjian.selfcheck import textindex

        with demo_today():
            textindex.sync_index(root, ctx.orgs, [], cfg)
        new_pks = {a.pk for a in created}
        added = [t for t in _texts(ctx.orgs, cfg, root) if t[0][0] == ct and t[0][1] in new_pks]
        result = detector_recall(root, ctx, cfg, sample + added)
        transaction.set_rollback(True)
    return {**result, "added": len(added)}


# ------------------------------------------------------------------------------------------ roster import


def roster_file(path: Path, root: Any, rows: int) -> int:
    """A roster of `rows` new members spread over the branches of `root`'s subtree, in the template's
    columns, with valid ID numbers of a region the demo does not use."""
    from dangjian.core.xlsx import Sheet, workbook_bytes
    from dangjian.lib import idcard
    from dangjian.lib.names import person_name
    from dangjian.members.importer import HEADERS
    from dangjian.members.models import Education, MemberCategory, MemberStatus
    from dangjian.orgs.models import Organization, OrgKind

    rng = random.Random(SEED)
    branches = list(
        Organization.objects.filter(
            path__startswith=root.path, kind=OrgKind.BRANCH, dissolved_on__isnull=True
        )
        .order_by("path")
        .values_list("code", flat=True)
    )
    seen: set[str] = set()
    out = []
    columns = {h: i for i, h in enumerate(HEADERS)}
    while len(out) < rows:
        gender = rng.choice("MF")
        birth = dt.date(rng.randint(1945, 1998), rng.randint(1, 12), rng.randint(1, 28))
        number = idcard.make("650102", birth, gender, rng)
        if number in seen:
            continue
        seen.add(number)
        joined = dt.date(birth.year + rng.randint(20, 26), rng.randint(1, 12), rng.randint(1, 28))
        full = rng.random() < 0.95
        row = [""] * len(HEADERS)
        values = {
            "姓名": person_name(rng, gender, birth.year),
            "公民身份号码": number,
            "民族": "汉族",
            "学历": rng.choice(Education.labels),
            "联系电话": f"139{rng.randrange(10**8):08d}",
            "居住地址": f"南京市玄武区北京东路{rng.randint(1, 300)}号",
            "所在党支部": rng.choice(branches),
            "党员类别": MemberCategory.RESIDENT.label,
            "党员状态": (MemberStatus.FULL if full else MemberStatus.PROBATIONARY).label,
            "入党日期": joined.isoformat(),
            "转正日期": dt.date(joined.year + 1, joined.month, joined.day).isoformat() if full else "",
        }
        for header, value in values.items():
            row[columns[header]] = value
        out.append(row)
    text_cols = [columns["公民身份号码"] + 1, columns["联系电话"] + 1]
    path.write_bytes(workbook_bytes([Sheet("党员名册", HEADERS, out, text_columns=text_cols)]))
    return len(branches)


def case_import(size: str, opts: dict[str, Any]) -> Metrics:
    from django.db import transaction
    from python_calamine import CalamineWorkbook

    from dangjian.members.importer import roster_import

    rows = int(opts.get("import_rows", 10000))
    root = street_user().organization
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        path = Path(tmp) / "roster.xlsx"
        make_s, branches = timed(lambda: roster_file(path, root, rows))

        def calamine() -> int:
            return len(
                CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)
            )

        with peak_memory() as read_mem:
            read_s, _, read_rows = median_of(calamine, 3)

        def run_import() -> Any:
            with transaction.atomic():
                result = roster_import(
                    actor=None, actor_name="bench", organization=root, source=path, file_name=path.name
                )
                transaction.set_rollback(True)  # the database stays as built
            return result

        with demo_today(), peak_memory() as import_mem:
            import_s, _, result = median_of(run_import, int(opts.get("import_repeat", 1)))
    if result.errors or not result.committed:
        raise RuntimeError(f"import failed: {[str(e) for e in result.errors[:5]]}")
    return [
        metric("import.rows", rows, "rows", note=f"new members over {branches} branches of {root.name}"),
        metric(
            "import.calamine_s", read_s, "s", None, f"python-calamine alone ({read_rows} rows incl. header)"
        ),
        metric("import.import_s", import_s, "s", "lower", "roster_import: read, check, write (rolled back)"),
        metric("import.ratio", import_s / read_s, "x calamine", "lower"),
        metric("import.created", result.created, "members"),
        metric("import.file_build_s", make_s, "s", None),
        memory("import.calamine", read_mem),
        memory("import.import", import_mem),
    ]


# ------------------------------------------------------------------------------------------ pages


def _trivial_urlconf() -> None:
    """The project's URLs plus one trivial page (login required, no template, no query of its own), as
    the baseline every page time is divided by. Only in the benchmark process."""
    from django.conf import settings
    from django.contrib.auth.decorators import login_required
    from django.http import HttpResponse
    from django.urls import clear_url_caches, include, path

    module = types.ModuleType("bench_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("bench/trivial/", login_required(lambda request: HttpResponse("ok")), name="bench-trivial"),
        path("", include("dangjian.urls")),
    ]
    sys.modules["bench_urls"] = module
    settings.ROOT_URLCONF = "bench_urls"
    clear_url_caches()


def measure_pages(pages: dict[str, str], repeat: int) -> dict[str, dict[str, Any]]:
    """Median and p95 of `repeat` requests of each page (interleaved, after two warm-up requests), the
    queries of one request, and the peak memory of a few requests of each."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    _trivial_urlconf()
    client = Client(HTTP_HOST="localhost")
    client.force_login(street_user())
    pages = {"trivial": "/bench/trivial/", **pages}
    times: dict[str, list[float]] = {name: [] for name in pages}
    out: dict[str, dict[str, Any]] = {}
    for url in pages.values():
        for _ in range(2):
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url}: HTTP {response.status_code}")
    for _ in range(repeat):
        for name, url in pages.items():
            started = time.perf_counter()
            client.get(url)
            times[name].append(time.perf_counter() - started)
    for name, url in pages.items():
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        count = len(queries.captured_queries)  # now: the next request's request_started resets the log
        with peak_memory() as mem:
            for _ in range(3):
                client.get(url)
        out[name] = {
            "median": statistics.median(times[name]),
            "p95": p95(times[name]),
            "queries": count,
            "mem": mem,
            "url": url,
        }
    return out


def page_metrics(prefix: str, measured: dict[str, dict[str, Any]]) -> Metrics:
    base = measured["trivial"]["median"]
    out = [
        metric(f"{prefix}.trivial_ms", base * 1000, "ms", None, "login-required view answering 'ok'"),
        metric(f"{prefix}.trivial_queries", measured["trivial"]["queries"], "queries"),
    ]
    for name, m in measured.items():
        if name == "trivial":
            continue
        out += [
            metric(f"{prefix}.{name}.median_ms", m["median"] * 1000, "ms", None, m["url"]),
            metric(f"{prefix}.{name}.p95_ms", m["p95"] * 1000, "ms", None),
            metric(
                f"{prefix}.{name}.ratio", m["median"] / base, "x trivial", "lower", "median ÷ trivial median"
            ),
            metric(f"{prefix}.{name}.p95_ratio", m["p95"] / base, "x trivial", "lower"),
            metric(f"{prefix}.{name}.queries", m["queries"], "queries", "lower"),
            memory(f"{prefix}.{name}", m["mem"]),
        ]
    return out


def case_pages(size: str, opts: dict[str, Any]) -> Metrics:
    root = street_user().organization
    with demo_today():
        measured = measure_pages(
            {"members": "/members/", "dashboard": "/reports/", "org": f"/orgs/{root.pk}/"},
            int(opts.get("page_repeat", 20)),
        )
    return size_facts() + page_metrics("pages", measured)


def case_dues(size: str, opts: dict[str, Any]) -> Metrics:
    """The pages of the former bench_dues.py: the street's collection overview and arrears, a
    community's month grid and ledger export, and the home page."""
    from dangjian.orgs.models import Organization

    root = street_user().organization
    community = Organization.objects.filter(parent=root, kind="community_committee").order_by("pk").first()
    year = TODAY.year
    with demo_today():
        measured = measure_pages(
            {
                "overview": f"/dues/org/{root.pk}/?year={year}",
                "arrears": f"/dues/org/{root.pk}/arrears/",
                "grid": f"/dues/org/{community.pk}/grid/?year={year}",
                "ledger_xlsx": f"/dues/org/{community.pk}/ledger.xlsx?year={year}",
                "home": "/",
            },
            int(opts.get("dues_repeat", 7)),
        )
    return page_metrics("dues", measured)


# ------------------------------------------------------------------------------------------ life calendar


def case_life(size: str, opts: dict[str, Any]) -> Metrics:
    """The former bench_life.py: the obligations calendar (dangjian.life.obligations.compute) of each
    top-level subtree for last year, set-based: the same queries per subtree at every size and a time
    per organization that stays flat."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangjian.life.obligations import LATE, compute
    from dangjian.orgs.models import Organization, OrgKind

    tops = roots()
    years = [TODAY.year - 1]
    owing = Organization.objects.filter(kind__in=[OrgKind.BRANCH, OrgKind.GROUP]).count()

    def all_roots() -> list[Any]:
        return [compute(root, years, TODAY).rows() for root in tops]

    with demo_today():
        all_roots()  # warm up
        with peak_memory() as mem:
            seconds, _, rows = median_of(all_roots, int(opts.get("repeat", 3)))
        counts = []
        for root in tops:
            with CaptureQueriesContext(connection) as q:
                compute(root, years, TODAY).rows()
            counts.append(len(q.captured_queries))
    obligations = sum(len(c.obligations) for r in rows for row in r for c in row.cells)
    late = sum(1 for r in rows for row in r for c in row.cells for ob in c.obligations if ob.status == LATE)
    return [
        metric("life.owing_orgs", owing, "orgs", note="branches and groups"),
        metric("life.obligations", obligations, "obligations", note=f"{late} late"),
        metric("life.calendar_s", seconds, "s", "lower", f"every top-level subtree, {years[0]}"),
        metric("life.us_per_org", seconds / owing * 1e6, "µs/org", "lower"),
        metric(
            "life.queries_per_subtree",
            max(counts),
            "queries",
            "lower",
            f"min {min(counts)} over {len(counts)}",
        ),
        memory("life.calendar", mem),
    ]


# ------------------------------------------------------------------------------------------ report


def case_report(size: str, opts: dict[str, Any]) -> Metrics:
    """The work report (党建工作情况报告, docx) of the street-staff user's street for last year."""
    from dangjian.reports import documents

    root = street_user().organization
    start, end = dt.date(TODAY.year - 1, 1, 1), dt.date(TODAY.year - 1, 12, 31)
    with demo_today():
        documents.work_report(documents.gather(root, start, end))  # warm up
        with peak_memory() as mem:
            gather_s, _, facts = median_of(lambda: documents.gather(root, start, end), 3)
            render_s, _, data = median_of(lambda: documents.work_report(facts), 3)
    return [
        metric("report.gather_s", gather_s, "s", "lower", f"figures of {root.name}, {start.year}"),
        metric("report.docx_s", render_s, "s", "lower", "the docx from the figures"),
        metric("report.total_s", gather_s + render_s, "s", "lower"),
        metric("report.bytes", len(data), "bytes"),
        memory("report", mem),
    ]


CASES = {
    "pages": case_pages,
    "dues": case_dues,
    "life": case_life,
    "report": case_report,
    "import": case_import,
    "selfcheck": case_selfcheck,
    "textsim": case_textsim,  # after selfcheck: it reuses the text index the runs built
}
