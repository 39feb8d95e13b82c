"""The benchmark suite: one command, every measurement, at street, district and 10× district size.

    .venv/bin/python bench/run.py                                  # street, district, district10
    .venv/bin/python bench/run.py --sizes street,district          # the quick run
    .venv/bin/python bench/run.py --compare bench/results/OLD.json # and each metric's change
    .venv/bin/python bench/run.py --cases selfcheck,pages --sizes street

Data: street and district are `dangjian demo --scale S --seed 1 --today 2026-06-15`, each in its own
data folder under --data-dir (default: $TMPDIR/dangjian-bench), built once and reused while the demo
builders, the migrations and bench/city.py are unchanged (--rebuild builds again). district10 is the
district copied ten times by bench/city.py (bulk INSERT … SELECT; see there).

Every case runs in its own process (bench/cases.py) so that its peak memory is its own. Results go to
--out (default bench/results/, git-ignored) as JSON and Markdown, named by the time of the run, plus
latest.json and latest.md. The verdict of each target is printed at the end; the exit status is 1
when one fails.
"""

from __future__ import annotations

# ruff: noqa: S603, S607  (runs this interpreter, dangjian and git with fixed arguments)
import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench.common import SEED, TODAY, case_env  # noqa: E402

SIZES = ("street", "district", "district10")
ALIASES = {"city": "district10", "10x": "district10"}
CASE_ORDER = ("pages", "dues", "life", "report", "import", "selfcheck", "textsim")
SKIP = {("textsim", "district10"): "its texts are the district's texts ten times over"}
SLOWER = 0.25  # --compare flags a change worse than this fraction

# targets (ratios, measured on both sides in the same run)
FLOOR_RATIO = 3.0  # self-check run ÷ plain read of its records
GROWTH = 1.25  # time per record may grow this much from one size to the next (noise) and still be flat
RECALL = PRECISION = 0.95
PAGE_FLAT = 1.5  # member list ratio to the trivial page, larger size ÷ smaller size
LIFE_FLAT = 2.0  # the former bench_life.py's bound on the time per organization


# ------------------------------------------------------------------------------------------ data


def _fingerprint(size: str) -> str:
    digest = hashlib.sha256(f"{size}|{SEED}|{TODAY}".encode())
    files = sorted(ROOT.glob("dangjian/**/demo*.py")) + sorted(ROOT.glob("dangjian/**/migrations/*.py"))
    files += [ROOT / "dangjian/core/management/commands/demo.py"]
    if size == "district10":
        files.append(HERE / "city.py")
    for f in files:
        digest.update(str(f.relative_to(ROOT)).encode())
        digest.update(f.read_bytes())
    if size == "district10":
        digest.update(_fingerprint("district").encode())
    return digest.hexdigest()


def _dangjian(args: list[str], data: Path, log: Any) -> None:
    exe = Path(sys.executable).with_name("dangjian")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "dangjian.cli"]
    proc = subprocess.run([*command, *args], env=case_env(data), capture_output=True, text=True, check=False)
    if proc.returncode:
        log(proc.stdout[-2000:] + proc.stderr[-4000:])
        raise SystemExit(f"`dangjian {' '.join(args)}` failed in {data}")


def _checkpoint(db: Path) -> None:
    con = sqlite3.connect(db)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def ensure_data(size: str, data_root: Path, rebuild: bool, log: Any) -> dict[str, Any]:
    """The data folder of a size, built unless a current one exists."""
    folder = data_root / size
    stamp = folder / "bench-stamp.json"
    key = _fingerprint(size)
    if not rebuild and stamp.exists():
        info = json.loads(stamp.read_text())
        if info.get("key") == key and (folder / "dangjian.sqlite3").exists():
            return {**info, "folder": str(folder), "reused": True}
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    steps: dict[str, float] = {}
    if size == "district10":
        district = ensure_data("district", data_root, False, log)
        source = Path(district["folder"])
        _checkpoint(source / "dangjian.sqlite3")
        for name in ("dangjian.sqlite3", "field.key", "secret.key"):
            shutil.copy2(source / name, folder / name)
        steps["copy_s"] = time.perf_counter() - started
        log(f"building district10 in {folder}: ten copies of the district (bench/city.py)")
        t = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, str(HERE / "city.py"), "--copies", "10"],
            env=case_env(folder),
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode:
            log(proc.stdout[-2000:] + proc.stderr[-4000:])
            raise SystemExit("bench/city.py failed")
        steps["clone_s"] = time.perf_counter() - t
    else:
        log(
            f"building {size} in {folder}: dangjian migrate; dangjian demo --scale {size} --seed {SEED} --today {TODAY}"
        )
        t = time.perf_counter()
        _dangjian(["migrate", "--noinput", "-v0"], folder, log)
        steps["migrate_s"] = time.perf_counter() - t
        t = time.perf_counter()
        _dangjian(["demo", "--scale", size, "--seed", str(SEED), "--today", str(TODAY)], folder, log)
        steps["demo_s"] = time.perf_counter() - t
    info = {
        "key": key,
        "built_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "build_s": time.perf_counter() - started,
        **steps,
    }
    stamp.write_text(json.dumps(info, indent=2))
    log(f"built {size} in {info['build_s']:.0f} s")
    return {**info, "folder": str(folder), "reused": False}


# ------------------------------------------------------------------------------------------ cases


def run_case(case: str, size: str, folder: Path, opts: dict[str, Any], log: Any) -> dict[str, Any]:
    started = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--case",
            case,
            "--size",
            size,
            "--opts",
            json.dumps(opts),
        ],
        env=case_env(folder),
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    line = next((x for x in proc.stdout.splitlines() if x.startswith("BENCH-RESULT ")), None)
    if proc.returncode or line is None:
        log(f"case {case} at {size} FAILED (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
        return {"seconds": seconds, "error": (proc.stderr.strip().splitlines() or ["?"])[-1], "metrics": []}
    return {"seconds": seconds, "metrics": json.loads(line.removeprefix("BENCH-RESULT "))}


def size_opts(size: str, full: bool) -> dict[str, Any]:
    """At district10 the self-check runs on one of the ten district copies (8 of 80 streets), unless
    --full: the whole city would take longer than the rest of the suite."""
    if size == "district10" and not full:
        return {"sample_copies": 1}
    return {}


def case_main(case: str, size: str, opts: dict[str, Any]) -> int:
    from bench.common import setup_django

    setup_django()
    from bench.cases import CASES

    metrics = CASES[case](size, opts)
    print("BENCH-RESULT " + json.dumps(metrics, ensure_ascii=False, default=str), flush=True)
    return 0


# ------------------------------------------------------------------------------------------ verdicts


def value(results: dict[str, Any], size: str, name: str) -> Any:
    for case in results.get(size, {}).values():
        for m in case.get("metrics", []):
            if m["name"] == name:
                return m["value"]
    return None


def verdicts(results: dict[str, Any], sizes: list[str]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []

    def add(target: str, ok: bool | None, detail: str) -> None:
        out.append(
            {
                "target": target,
                "verdict": "SKIP" if ok is None else "PASS" if ok else "FAIL",
                "detail": detail,
            }
        )

    for s in sizes:
        r = value(results, s, "selfcheck.warm_ratio")
        if r is not None:
            add(f"self-check run < {FLOOR_RATIO:g}× its floor, {s}", r < FLOOR_RATIO, f"{r:.2f}×")
    for kind in ("warm",):
        pairs = [(a, b) for a, b in zip(sizes, sizes[1:], strict=False)]
        for a, b in pairs:
            x, y = (
                value(results, a, f"selfcheck.{kind}_us_per_record"),
                value(results, b, f"selfcheck.{kind}_us_per_record"),
            )
            if x and y:
                add(
                    f"self-check ({kind}) time per record flat, {a} → {b} (≤ {GROWTH:g}×)",
                    y / x <= GROWTH,
                    f"{x:.1f} → {y:.1f} µs/record ({y / x:.2f}×)",
                )
    for s in sizes:
        r = value(results, s, "textsim.speed_ratio")
        if r is not None:
            add(
                f"copied-text detector faster than datasketch MinHashLSH, {s}",
                r > 1.0,
                f"datasketch takes {r:.2f}× ours",
            )
        rec, pre = (
            value(results, s, "textsim.detector_recall"),
            value(results, s, "textsim.detector_precision"),
        )
        if rec is not None:
            add(f"copied-text detector recall ≥ {RECALL:g}, {s}", rec >= RECALL, f"{rec:.3f}")
            add(f"copied-text detector precision ≥ {PRECISION:g}, {s}", pre >= PRECISION, f"{pre:.3f}")
    counts = {s: value(results, s, "pages.members.queries") for s in sizes}
    counts = {s: c for s, c in counts.items() if c is not None}
    if len(counts) >= 2:
        add(
            "member list: same number of queries at every size",
            len(set(counts.values())) == 1,
            ", ".join(f"{s} {c}" for s, c in counts.items()),
        )
    for a, b in zip(sizes, sizes[1:], strict=False):
        x, y = value(results, a, "pages.members.ratio"), value(results, b, "pages.members.ratio")
        if x and y:
            add(
                f"member list time ÷ trivial page flat, {a} → {b} (≤ {PAGE_FLAT:g}×)",
                y / x <= PAGE_FLAT,
                f"{x:.1f}× → {y:.1f}× trivial",
            )
    dues_pages = ("overview", "arrears", "grid", "ledger_xlsx")
    for page in dues_pages:
        c = {s: value(results, s, f"dues.{page}.queries") for s in sizes}
        c = {s: v for s, v in c.items() if v is not None}
        if len(c) >= 2:
            add(
                f"dues {page}: same number of queries at every size",
                len(set(c.values())) == 1,
                ", ".join(f"{s} {v}" for s, v in c.items()),
            )
    c = {s: value(results, s, "life.queries_per_subtree") for s in sizes}
    c = {s: v for s, v in c.items() if v is not None}
    if len(c) >= 2:
        add(
            "life obligations calendar: same number of queries per subtree at every size",
            len(set(c.values())) == 1,
            ", ".join(f"{s} {v}" for s, v in c.items()),
        )
    for a, b in zip(sizes, sizes[1:], strict=False):
        x, y = value(results, a, "life.us_per_org"), value(results, b, "life.us_per_org")
        if x and y:
            add(
                f"life obligations calendar time per organization flat, {a} → {b} (≤ {LIFE_FLAT:g}×)",
                y / x <= LIFE_FLAT,
                f"{x:.0f} → {y:.0f} µs/org ({y / x:.2f}×)",
            )
    for s in sizes:
        for case, r in results.get(s, {}).items():
            if r.get("error"):
                add(f"case {case} ran, {s}", False, r["error"])
    return out


# ------------------------------------------------------------------------------------------ output

SUMMARY = [
    ("size.members", "members", "{:,}"),
    ("size.organizations", "organizations", "{:,}"),
    ("size.streets", "top-level orgs (one self-check run each)", "{}"),
    ("selfcheck.roots", "self-check runs measured (one per street)", "{}"),
    ("selfcheck.records", "records those runs read", "{:,}"),
    ("selfcheck.floor_s", "floor: plain read of them (s)", "{:.1f}"),
    ("selfcheck.warm_s", "self-check run (s)", "{:.1f}"),
    ("selfcheck.warm_s_all_estimate", "… estimated for every street (s, not measured)", "{:.0f}"),
    ("selfcheck.warm_ratio", "self-check run ÷ floor", "{:.2f}×"),
    ("selfcheck.warm_us_per_record", "self-check run per record (µs)", "{:.1f}"),
    ("selfcheck.index_s", "text index rebuilt from nothing, apart from the runs (s)", "{:.1f}"),
    ("selfcheck.index_ms_per_text", "… per text: what indexing adds to a save (ms)", "{:.2f}"),
    ("selfcheck.warm.peak_mb", "self-check run peak memory (MB)", "{:.0f}"),
    ("textsim.texts", "texts compared with datasketch", "{:,}"),
    ("textsim.ours_s", "ours: MinHash + LSH candidates (s)", "{:.2f}"),
    ("textsim.datasketch_s", "datasketch MinHashLSH (s)", "{:.2f}"),
    ("textsim.speed_ratio", "datasketch ÷ ours", "{:.1f}×"),
    ("textsim.sample_texts", "recall sample: texts", "{:,}"),
    ("textsim.sample_true_pairs", "its copies by brute force (J ≥ 0.7)", "{:,}"),
    ("textsim.sample_recall", "detector recall on them", "{:.3f}"),
    ("textsim.edited_true_pairs", "with edited copies added: copies", "{:,}"),
    ("textsim.edited_near_threshold", "… of which 0.7 ≤ J < 0.8", "{:,}"),
    ("textsim.detector_recall", "detector recall (sample + edited)", "{:.3f}"),
    ("textsim.detector_precision", "detector precision (sample + edited)", "{:.3f}"),
    ("import.import_s", "import 10,000 rows (s)", "{:.1f}"),
    ("import.calamine_s", "python-calamine read alone (s)", "{:.2f}"),
    ("import.ratio", "import ÷ calamine", "{:.0f}×"),
    ("import.import.peak_mb", "import peak memory (MB)", "{:.0f}"),
    ("pages.members.ratio", "member list ÷ trivial page (median)", "{:.1f}×"),
    ("pages.members.p95_ratio", "member list ÷ trivial page (p95)", "{:.1f}×"),
    ("pages.members.queries", "member list queries", "{}"),
    ("pages.dashboard.ratio", "dashboard ÷ trivial (median)", "{:.1f}×"),
    ("pages.dashboard.p95_ratio", "dashboard ÷ trivial (p95)", "{:.1f}×"),
    ("pages.dashboard.queries", "dashboard queries", "{}"),
    ("pages.org.ratio", "organization page ÷ trivial (median)", "{:.1f}×"),
    ("pages.org.p95_ratio", "organization page ÷ trivial (p95)", "{:.1f}×"),
    ("pages.org.queries", "organization page queries", "{}"),
    ("pages.trivial_ms", "trivial page (ms)", "{:.1f}"),
    ("report.total_s", "work report docx (s)", "{:.2f}"),
    ("life.us_per_org", "life calendar per organization (µs)", "{:.0f}"),
    ("life.queries_per_subtree", "life calendar queries per subtree", "{}"),
    ("dues.overview.ratio", "dues overview ÷ trivial", "{:.1f}×"),
    ("dues.overview.queries", "dues overview queries", "{}"),
    ("dues.grid.queries", "dues month grid queries", "{}"),
]


def _fmt(v: Any, pattern: str = "") -> str:
    if v is None:
        return "–"
    if pattern:
        try:
            return pattern.format(v)
        except (ValueError, TypeError):
            return str(v)
    if isinstance(v, float):
        return f"{v:.3g}" if abs(v) < 100 else f"{v:,.0f}"
    return str(v)


def summary_table(results: dict[str, Any], sizes: list[str]) -> str:
    lines = ["| measurement | " + " | ".join(sizes) + " |", "| --- |" + " ---: |" * len(sizes)]
    for name, label, pattern in SUMMARY:
        cells = [_fmt(value(results, s, name), pattern) for s in sizes]
        if any(c != "–" for c in cells):
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def full_table(results: dict[str, Any], sizes: list[str]) -> str:
    names: list[tuple[str, str, str]] = []
    for s in sizes:
        for case in results.get(s, {}).values():
            for m in case.get("metrics", []):
                if m["name"] not in [n for n, _, _ in names]:
                    names.append((m["name"], m.get("unit", ""), m.get("note", "")))
    lines = [
        "| metric | unit | " + " | ".join(sizes) + " | note |",
        "| --- | --- |" + " ---: |" * len(sizes) + " --- |",
    ]
    for name, unit, note in names:
        cells = [_fmt(value(results, s, name)) for s in sizes]
        lines.append(f"| {name} | {unit} | " + " | ".join(cells) + f" | {note} |")
    return "\n".join(lines)


def markdown(report: dict[str, Any]) -> str:
    sizes = report["sizes"]
    v = report["verdicts"]
    parts = [
        f"# Benchmarks {report['started']}",
        "",
        f"{report['machine']}; total {report['total_s'] / 60:.1f} min; git {report['git']}",
        "",
        summary_table(report["results"], sizes),
        "",
        "## Targets",
        "",
        *[f"- **{x['verdict']}** {x['target']}: {x['detail']}" for x in v],
        "",
        "## Every metric",
        "",
        full_table(report["results"], sizes),
        "",
        "## Data and case times",
        "",
        *[
            f"- {s}: data {'reused' if b.get('reused') else 'built'} ({b.get('build_s', 0):.0f} s when built); cases "
            + ", ".join(f"{c} {r['seconds']:.0f} s" for c, r in report["results"].get(s, {}).items())
            for s, b in report["builds"].items()
        ],
    ]
    return "\n".join(parts) + "\n"


def compare(old: dict[str, Any], new: dict[str, Any], threshold: float) -> list[str]:
    lines, flagged = [], 0
    for size in new["sizes"]:
        for case in new["results"].get(size, {}).values():
            for m in case.get("metrics", []):
                before = value(old.get("results", {}), size, m["name"])
                after = m["value"]
                if not isinstance(after, int | float) or not isinstance(before, int | float) or not before:
                    continue
                change = after / before - 1
                flag = ""
                if m.get("better") == "lower" and change > threshold:
                    flag, flagged = "  << SLOWER", flagged + 1
                elif m.get("better") == "higher" and change < -threshold:
                    flag, flagged = "  << WORSE", flagged + 1
                lines.append(
                    f"{m['name']}, {size}: {_fmt(before)} → {_fmt(after)} {m.get('unit', '')} ({change:+.0%}){flag}"
                )
    was = {x["target"]: x["verdict"] for x in old.get("verdicts", [])}
    for x in new["verdicts"]:
        if was.get(x["target"]) and was[x["target"]] != x["verdict"]:
            lines.append(f"verdict changed: {x['target']}: {was[x['target']]} → {x['verdict']}")
    lines.append(f"{flagged} metric(s) worse by more than {threshold:.0%}")
    return lines


def _git() -> str:
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=False
        )
        return rev.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")
    except OSError:
        return "?"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default=",".join(SIZES), help="street,district,district10 (alias city)")
    parser.add_argument("--cases", default=",".join(CASE_ORDER), help=",".join(CASE_ORDER))
    parser.add_argument("--compare", type=Path, help="an earlier results JSON: print each metric's change")
    parser.add_argument("--out", type=Path, default=HERE / "results", help="where results go (bench/results)")
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "dangjian-bench")
    parser.add_argument("--rebuild", action="store_true", help="build the data again even if current")
    parser.add_argument(
        "--slower", type=float, default=SLOWER, help="--compare flags changes worse than this"
    )
    parser.add_argument(
        "--full", action="store_true", help="district10: the self-check on all 80 streets"
    )
    parser.add_argument("--page-repeat", type=int, default=20, help="requests per page")
    parser.add_argument("--text-cap", type=int, default=10000, help="texts compared with datasketch")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--size", help=argparse.SUPPRESS)
    parser.add_argument("--opts", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        return case_main(args.case, args.size, json.loads(args.opts))

    sizes = [ALIASES.get(s.strip(), s.strip()) for s in args.sizes.split(",") if s.strip()]
    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = [s for s in sizes if s not in SIZES] + [c for c in cases if c not in CASE_ORDER]
    if unknown:
        parser.error(f"unknown size or case: {', '.join(unknown)}")
    sizes = [s for s in SIZES if s in sizes]
    cases = [c for c in CASE_ORDER if c in cases]
    opts = {"page_repeat": args.page_repeat, "text_cap": args.text_cap}
    started = time.perf_counter()
    stamp = dt.datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.0f}s] {message}", flush=True)

    builds = {s: ensure_data(s, args.data_dir, args.rebuild, log) for s in sizes}
    results: dict[str, dict[str, Any]] = {}
    for s in sizes:
        results[s] = {}
        for case in cases:
            if (case, s) in SKIP:
                log(f"{case}, {s}: skipped ({SKIP[(case, s)]})")
                continue
            log(f"{case}, {s} …")
            r = run_case(case, s, Path(builds[s]["folder"]), {**opts, **size_opts(s, args.full)}, log)
            results[s][case] = r
            for m in r["metrics"]:
                print(f"  {m['name']}, {s}, {_fmt(m['value'])}, {m.get('unit', '')}", flush=True)
    report = {
        "started": stamp,
        "machine": f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.platform(terse=True)}",
        "git": _git(),
        "sizes": sizes,
        "builds": builds,
        "results": results,
        "total_s": time.perf_counter() - started,
    }
    report["verdicts"] = verdicts(results, sizes)
    args.out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=2, ensure_ascii=False, default=str)
    md = markdown(report)
    for name in (f"bench-{stamp}", "latest"):
        (args.out / f"{name}.json").write_text(text, encoding="utf-8")
        (args.out / f"{name}.md").write_text(md, encoding="utf-8")
    print()
    print(summary_table(results, sizes))
    print()
    if args.compare:
        old = json.loads(args.compare.read_text(encoding="utf-8"))
        print(f"compared with {args.compare}:")
        for line in compare(old, report, args.slower):
            print("  " + line)
        print()
    for x in report["verdicts"]:
        print(f"{x['verdict']}: {x['target']}: {x['detail']}")
    print(
        f"\nresults: {args.out / f'bench-{stamp}.json'} and .md (also latest.json, latest.md); "
        f"total {report['total_s'] / 60:.1f} min"
    )
    return 1 if any(x["verdict"] == "FAIL" for x in report["verdicts"]) else 0


if __name__ == "__main__":
    raise SystemExit(main())
