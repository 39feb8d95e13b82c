"""Benchmark: the self-check of every community (the split job kind `selfcheck.communities`, one part
per community) on one Celery worker and on two, on PostgreSQL with a Redis broker, at the 10x
district (bench/city.py's "district10") or --scale. The two-worker run must give the same findings
and be faster.

    .venv/bin/python bench/bench_celery.py                        # throwaway PostgreSQL + Redis, data built
    .venv/bin/python bench/bench_celery.py --scale district
    .venv/bin/python bench/bench_celery.py --database-url postgresql://... --data-dir DIR  # data there already

It starts its own PostgreSQL cluster and redis-server on free loopback ports (Debian's packages, as
./dev test does; removed afterwards), builds `dangjian demo --scale district --seed 1` (for district10
then copied nine more times by bench/city.py), runs the self-check of the communities once in-process
(the sync path; it also builds the text index, so the timed runs do the same work), then times it on
1 worker and on 2 worker processes (each `celery worker --pool solo`), checks that the three give the
same findings, prints one line per measurement and a verdict, and appends them to
bench/results/bench_celery.txt. Every process runs a snapshot of the dangjian package taken at the
start (the tree may be edited meanwhile). Its own temporary DANGJIAN_DATA_DIR, never ./data.
bench/load.py uses its throwaway servers.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RESULTS = ROOT / "bench" / "results"
CODE = ROOT  # where the processes import dangjian from: a snapshot of it during the benchmark


def snapshot_code(into: Path) -> None:
    """Copy the dangjian package once, so that every process of the benchmark (this one, the workers,
    the commands) runs the same code even while the tree is being edited."""
    global CODE
    shutil.copytree(ROOT / "dangjian", into / "dangjian", ignore=shutil.ignore_patterns("__pycache__"))
    CODE = into
    sys.path.insert(0, str(into))
    os.environ["PYTHONPATH"] = os.pathsep.join([str(into), *filter(None, [os.environ.get("PYTHONPATH")])])


# --- throwaway servers (also used by bench/load.py) --------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(cmd: list[str], cwd: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if not found:
        sys.exit(
            "PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)"
        )
    return found[-1].parent


@contextlib.contextmanager
def throwaway_postgres(settings: tuple[str, ...] = ()) -> Iterator[str]:
    """A PostgreSQL cluster on loopback (fsync off: throwaway data), its database URL; removed after."""
    bin_dir = _pg_bin()
    work = tempfile.mkdtemp(prefix="dangjian-bench-pg.")
    port, password = free_port(), secrets.token_hex(16)
    Path(work, "password").write_text(password + "\n", encoding="utf-8")
    if os.geteuid() == 0:
        shutil.chown(work, "postgres", "postgres")
        shutil.chown(Path(work, "password"), "postgres", "postgres")
    data = Path(work, "data")

    def run(*cmd: str) -> None:
        subprocess.run(_as_postgres(list(cmd), work), cwd=work, check=True, stdout=subprocess.DEVNULL)  # noqa: S603

    options = " ".join(
        [f"-p {port} -k {work} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"]
        + ["-c full_page_writes=off", *(f"-c {s}" for s in settings)]
    )
    try:
        run(
            str(bin_dir / "initdb"),
            f"--pgdata={data}",
            "--username=postgres",
            f"--pwfile={work}/password",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        run(
            str(bin_dir / "pg_ctl"),
            f"--pgdata={data}",
            f"--log={work}/server.log",
            "--wait",
            "-o",
            options,
            "start",
        )
        run(str(bin_dir / "createdb"), "-h", work, "-p", str(port), "-U", "postgres", "dangjian")
        yield f"postgresql://postgres:{password}@127.0.0.1:{port}/dangjian"
    finally:
        if data.joinpath("postmaster.pid").exists():
            subprocess.run(  # noqa: S603
                _as_postgres(
                    [str(bin_dir / "pg_ctl"), f"--pgdata={data}", "-m", "fast", "--wait", "stop"], work
                ),
                cwd=work,
                stdout=subprocess.DEVNULL,
                check=False,
            )
        shutil.rmtree(work, ignore_errors=True)


@contextlib.contextmanager
def throwaway_redis() -> Iterator[str]:
    """redis-server on loopback, no persistence, its own directory; its URL. Stopped after."""
    if not shutil.which("redis-server"):
        sys.exit("redis-server not found (apt-get install redis-server)")
    work = tempfile.mkdtemp(prefix="dangjian-bench-redis.")
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [
            shutil.which("redis-server") or "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            work,
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    break
            if time.monotonic() > deadline:
                sys.exit("redis-server did not answer")
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


def dangjian(*args: str, env: dict[str, str], quiet: bool = False) -> str:
    """Run the `dangjian` command (the project's manage.py) under `env`; its output."""
    out = subprocess.run(  # noqa: S603
        [PYTHON, "-m", "dangjian.cli", *args],
        env=env,
        cwd=CODE,
        check=True,
        capture_output=True,
        text=True,
    )
    if not quiet:
        print(out.stdout.strip().splitlines()[0] if out.stdout.strip() else "", flush=True)
    return out.stdout


def demo_scales() -> list[str]:
    """The demo scales, smallest to largest (dangjian.core.demo.SCALES; "tiny" is for tests only)."""
    from dangjian.core.demo import SCALES

    return sorted(SCALES, key=lambda s: (SCALES[s].get("communities", 0), SCALES[s].get("members", 0)))


def prepare_database(url: str, scale: str, seed: int, env: dict[str, str]) -> None:
    """Migrate and build the demo (skipped when it already has organizations)."""
    env = {**env, "DATABASE_URL": url}
    dangjian("migrate", "--noinput", env=env, quiet=True)
    count = dangjian(
        "shell",
        "--no-imports",
        "-c",
        "from dangjian.orgs.models import Organization; print(Organization.objects.count())",
        env=env,
        quiet=True,
    )
    if count.strip().splitlines()[-1] == "0":
        started = time.perf_counter()
        demo = "district" if scale == TEN_TIMES else scale
        print(f"building the demo: dangjian demo --scale {demo} --seed {seed}", flush=True)
        dangjian("demo", "--scale", demo, "--seed", str(seed), env=env)
        print(f"demo built in {time.perf_counter() - started:.0f}s", flush=True)
        if scale == TEN_TIMES:
            clone_ten_times(env)


TEN_TIMES = "district10"  # bench/city.py: the demo district copied nine more times
CLONE = """
import os
import sys
from unittest import mock
sys.path.insert(0, sys.argv[1])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
import django
django.setup()
from django.core.management.color import no_style
from django.db import DatabaseError, connection, connections
import city
# city.py writes portable SQL but for three things: it guards for SQLite, ends with a SQLite checkpoint
# and suffixes unique text columns beyond their length (SQLite does not check lengths). On PostgreSQL
# the guard is lifted for the copy, the checkpoint's error ignored (the copies are committed) and the
# suffixed columns cut to leave room for the suffix.
plain = city.column_expressions
def fitting(model, tables, shift, copy):
    lengths = {f.column: f.max_length for f in model._meta.concrete_fields if getattr(f, "max_length", None)}
    out = []
    for column, expr in plain(model, tables, shift, copy):
        q = city._quote(column)
        if column in lengths and f"ELSE {q} || '~'" in expr:
            expr = expr.replace(f"ELSE {q} ||", f"ELSE left({q}, {lengths[column] - 1 - len(copy)}) ||")
        out.append((column, expr))
    return out
city.column_expressions = fitting
with mock.patch.object(type(connections["default"]), "vendor", "sqlite"):
    try:
        city.clone(10, log=lambda m: print(m, flush=True))
    except DatabaseError as exc:
        if "PRAGMA" not in str(exc):
            raise
with connection.cursor() as cursor:
    for sql in connection.ops.sequence_reset_sql(no_style(), city.cloned_models()):
        cursor.execute(sql)
"""


def clone_ten_times(env: dict[str, str]) -> None:
    started = time.perf_counter()
    print("copying the district nine more times (bench/city.py)", flush=True)
    subprocess.run([PYTHON, "-c", CLONE, str(ROOT / "bench")], env=env, cwd=CODE, check=True)  # noqa: S603
    print(f"10x district built in {time.perf_counter() - started:.0f}s", flush=True)


def base_env(data_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DANGJIAN_", "CELERY_", "DATABASE_URL"))}
    # Development keys kept in the data dir (the demo's encrypted fields), without DEBUG's query log.
    env.update(DANGJIAN_DATA_DIR=data_dir, DANGJIAN_TESTING="1", DANGJIAN_LOG_LEVEL="WARNING")
    return env


# --- the benchmark -----------------------------------------------------------------------------


@contextlib.contextmanager
def workers(n: int, env: dict[str, str], logs: Path) -> Iterator[None]:
    procs, files = [], []
    for i in range(1, n + 1):
        log = (logs / f"worker{n}-{i}.log").open("w")
        files.append(log)
        procs.append(
            subprocess.Popen(  # noqa: S603
                [PYTHON, "-m", "celery", "-A", "dangjian", "worker", "--pool", "solo", "--concurrency", "1"]
                + ["-n", f"bench{n}-{i}@localhost", "--loglevel", "INFO"]
                + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
                env=env,
                cwd=CODE,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    try:
        deadline = time.monotonic() + 120
        while not all("ready." in (logs / f"worker{n}-{i}.log").read_text() for i in range(1, n + 1)):
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                sys.exit(f"{n} Celery worker(s) did not start; see {logs}")
            time.sleep(0.2)
        yield
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=60)
        for f in files:
            f.close()


def run_all(start: dt.date, end: dt.date, timeout: float) -> tuple[float, dict[str, int], list[int]]:
    """Queue the self-check of the communities of every root organization at once; wait for all.
    Returns (seconds, totals, run ids)."""
    from django.db import transaction

    from dangjian.jobs.models import Job, JobStatus
    from dangjian.jobs.selfcheck import enqueue_community_runs
    from dangjian.orgs.models import Organization

    started = time.perf_counter()
    with transaction.atomic():
        jobs = [
            enqueue_community_runs(
                user=None, organization=root, period_start=start, period_end=end, check_permission=False
            )
            for root in Organization.objects.filter(parent__isnull=True).order_by("path")
        ]
    ids = [j.pk for j in jobs]
    deadline = time.monotonic() + timeout
    while Job.objects.filter(pk__in=ids, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).exists():
        if time.monotonic() > deadline:
            sys.exit(f"the self-check jobs did not finish within {timeout:.0f}s")
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    done = list(Job.objects.filter(pk__in=ids))
    failed = [j for j in done if j.status != JobStatus.DONE or j.result.get("failed")]
    if failed:
        sys.exit(
            f"self-check jobs failed: {[(j.title, j.status, j.error, j.result.get('failed')) for j in failed]}"
        )
    totals = {k: sum(j.result[k] for j in done) for k in ("communities", "total", "errors", "warnings")}
    return seconds, totals, [r for j in done for r in j.result["runs"]]


def fingerprints(run_ids: list[int]) -> list[tuple[int, str]]:
    from dangjian.selfcheck.models import RunFinding

    return sorted(
        RunFinding.objects.filter(run_id__in=run_ids).values_list("run__organization_id", "fingerprint")
    )


def bench(url: str, redis: str, scale: str, data_dir: str, years: int, timeout: float) -> list[str]:
    env = {**base_env(data_dir), "DATABASE_URL": url, "DANGJIAN_JOBS": "celery", "CELERY_BROKER_URL": redis}
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.utils import timezone

    today = timezone.localdate()
    start, end = dt.date(today.year - years + 1, 1, 1), today
    logs = Path(data_dir, "logs")
    logs.mkdir(parents=True, exist_ok=True)

    settings.JOBS_BACKEND = "sync"  # the in-process run: the same parts one after the other
    warm, totals, warm_runs = run_all(start, end, timeout)
    settings.JOBS_BACKEND = "celery"
    lines = [
        f"selfcheck-communities\t{scale}\tin-process (sync path; builds the text index if missing)\t{warm:.1f}\ts"
    ]
    print(lines[-1], flush=True)
    measured: dict[int, float] = {}
    expected = fingerprints(warm_runs)
    for n in (1, 2):
        with workers(n, env, logs):
            seconds, got, runs = run_all(start, end, timeout)
        if got != totals or fingerprints(runs) != expected:
            sys.exit(f"{n} worker(s) gave other findings: {got} != {totals}")
        measured[n] = seconds
        lines.append(f"selfcheck-communities\t{scale}\t{n} worker{'s' if n > 1 else ''}\t{seconds:.1f}\ts")
        print(lines[-1], flush=True)
    ratio = measured[1] / measured[2]
    lines.append(
        f"selfcheck-communities\t{scale}\tcommunities {totals['communities']}, findings {totals['total']}"
        f" (identical in-process, on 1 and on 2 workers)"
    )
    lines.append(f"selfcheck-communities\t{scale}\tspeed-up 2 workers / 1 worker\t{ratio:.2f}\tx")
    lines.append(
        f"verdict\t{'PASS' if ratio > 1.0 else 'FAIL'}: two workers {'faster' if ratio > 1 else 'not faster'}"
    )
    for line in lines[-3:]:
        print(line, flush=True)
    return lines


def main() -> None:
    data_dir = tempfile.mkdtemp(prefix="dangjian-bench-celery.")
    snapshot_code(Path(data_dir, "code"))
    scales = [s for s in demo_scales() if s != "tiny"]
    if (ROOT / "bench" / "city.py").exists():
        scales.append(TEN_TIMES)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", choices=scales, default=scales[-1], help=f"demo scale (default: {scales[-1]})"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--years", type=int, default=5, help="self-check period: the last N calendar years")
    parser.add_argument(
        "--database-url", help="a PostgreSQL database that has the demo already (else throwaway)"
    )
    parser.add_argument("--data-dir", help="with --database-url: the data dir whose keys built it")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds allowed per run")
    args = parser.parse_args()
    if args.data_dir:
        for key in ("secret.key", "field.key"):
            shutil.copy(Path(args.data_dir, key), Path(data_dir, key))
    try:
        with throwaway_redis() as redis:
            url_ctx = contextlib.nullcontext(args.database_url) if args.database_url else throwaway_postgres()
            with url_ctx as url:
                prepare_database(url, args.scale, args.seed, base_env(data_dir))
                lines = bench(url, redis, args.scale, data_dir, args.years, args.timeout)
        RESULTS.mkdir(parents=True, exist_ok=True)
        with (RESULTS / "bench_celery.txt").open("a", encoding="utf-8") as out:
            out.write(f"# {dt.datetime.now().astimezone():%Y-%m-%d %H:%M} {os.cpu_count()} cores\n")
            out.write("\n".join(lines) + "\n")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
