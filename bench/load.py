"""Load test: N concurrent users (default 50) browsing and recording against the real server
(gunicorn on 127.0.0.1) at district size on PostgreSQL, for a bounded time and number of requests.

    .venv/bin/python bench/load.py --duration 120          # throwaway PostgreSQL + district demo + gunicorn
    .venv/bin/python bench/load.py --database-url postgresql://... --data-dir DIR   # a database with the demo
    .venv/bin/python bench/load.py --url http://127.0.0.1:8000 --duration 60        # a server already running

Each user logs in with a demo account (street staff, community worker, inspector, branch secretary;
password of `dangjian demo`) through the login form with its CSRF token, then loops: home page,
member list (pages, member details), organization tree and pages, the organizational-life pages,
the statistics dashboard and survey (roles that may see them), and records a heart-to-heart talk
(谈心谈话) through the real form, with a random think time between requests (--think, mean seconds;
0 = as fast as possible). It reports throughput, latency percentiles per kind of request and errors
(any status other than the expected one, a failed form, a network error). Target: zero errors.

Traffic goes to 127.0.0.1 only. The server runs in production mode (DEBUG off, gunicorn, static
files collected), with plain HTTP allowed on loopback (DANGJIAN_SSL_REDIRECT=0).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_celery import PYTHON, RESULTS, ROOT, dangjian, free_port, throwaway_postgres  # noqa: E402

PASSWORD = "Demo-2026!dj"  # noqa: S105  (dangjian demo's accounts; demo databases only)
ACCOUNTS = ["street", "worker", "inspector", "secretary"]
MAX_BODY = 20 * 1024 * 1024


class LoadError(Exception):
    pass


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: list[str] = field(default_factory=list)
    steady: list[float] = field(default_factory=list)  # latencies of requests sent once all are in
    talks: int = 0
    requests: int = 0
    logins_left: int = 0
    all_in: float | None = None  # when the last user had logged in (perf_counter)

    def record(self, kind: str, seconds: float, sent: float) -> None:
        with self.lock:
            self.times[kind].append(seconds)
            self.requests += 1
            if self.all_in is not None and sent >= self.all_in:
                self.steady.append(seconds)

    def logged_in(self) -> None:
        with self.lock:
            self.logins_left -= 1
            if self.logins_left == 0:
                self.all_in = time.perf_counter()

    def error(self, kind: str, what: str) -> None:
        with self.lock:
            self.errors[kind] += 1
            self.requests += 1
            if len(self.examples) < 10:
                self.examples.append(f"{kind}: {what}")


class Budget:
    """The bound on the whole test: a deadline and a number of requests."""

    def __init__(self, seconds: float, requests: int) -> None:
        self.deadline = time.monotonic() + seconds
        self.left = requests
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0 or time.monotonic() >= self.deadline:
                return False
            self.left -= 1
            return True


class Browser:
    """One user's session: cookies (kept whatever their Secure flag: loopback HTTP) and requests."""

    def __init__(self, host: str, port: int, stats: Stats) -> None:
        self.host, self.port, self.stats = host, port, stats
        self.cookies: dict[str, str] = {}

    def request(
        self, kind: str, method: str, path: str, form: dict[str, str] | None = None, expect: int = 200
    ) -> str:
        body = urlencode(form, doseq=True).encode() if form is not None else None
        headers = {"Host": f"{self.host}:{self.port}", "User-Agent": "dangjian-load/1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        started = time.perf_counter()
        try:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                text = response.read(MAX_BODY).decode("utf-8", "replace")
                for header in response.headers.get_all("Set-Cookie") or []:
                    for name, morsel in SimpleCookie(header).items():
                        if morsel.value and morsel["max-age"] != "0":
                            self.cookies[name] = morsel.value
                        else:
                            self.cookies.pop(name, None)
            finally:
                conn.close()
        except (OSError, http.client.HTTPException) as exc:
            self.stats.error(kind, f"{method} {path}: {type(exc).__name__}: {exc}")
            raise LoadError from exc
        seconds = time.perf_counter() - started
        if response.status != expect:
            self.stats.error(kind, f"{method} {path}: HTTP {response.status} (expected {expect})")
            raise LoadError
        self.stats.record(kind, seconds, started)
        return text


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not match:
        raise LoadError("no CSRF token in the form")
    return match.group(1)


def links(page: str, pattern: str) -> list[str]:
    return sorted(set(re.findall(pattern, page)))


def select_options(page: str, name: str) -> list[str]:
    match = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    return [v for v in re.findall(r'<option value="(\d+)"', match.group(1))] if match else []


class User:
    def __init__(self, n: int, host: str, port: int, stats: Stats, think: float, rng: random.Random) -> None:
        self.account = ACCOUNTS[n % len(ACCOUNTS)]
        self.browser = Browser(host, port, stats)
        self.stats, self.think, self.rng = stats, think, rng
        self.orgs: list[str] = []
        self.members: list[str] = []
        self.life_orgs: list[str] = []
        self.reports = self.account in ("street", "worker")

    def login(self) -> None:
        b = self.browser
        page = b.request("login", "GET", "/accounts/login/")
        form = {
            "csrfmiddlewaretoken": csrf_token(page),
            "username": self.account,
            "password": PASSWORD,
            "next": "",
        }
        b.request("login", "POST", "/accounts/login/", form, expect=302)
        self.orgs = links(b.request("orgs", "GET", "/orgs/"), r'href="/orgs/(\d+)/"')
        self.members = links(b.request("members", "GET", "/members/"), r'href="/members/(\d+)/"')
        self.life_orgs = links(b.request("life", "GET", "/life/"), r'href="/life/orgs/(\d+)/"')

    def pause(self) -> None:
        if self.think > 0:
            time.sleep(self.rng.uniform(0.5, 1.5) * self.think)

    def step(self) -> None:
        b, rng = self.browser, self.rng
        actions = [
            (3, lambda: b.request("home", "GET", "/")),
            (4, lambda: b.request("members", "GET", f"/members/?page={rng.randint(1, 5)}")),
            (
                3,
                lambda: (
                    b.request("member", "GET", f"/members/{rng.choice(self.members)}/")
                    if self.members
                    else None
                ),
            ),
            (2, lambda: b.request("orgs", "GET", "/orgs/")),
            (3, lambda: b.request("org", "GET", f"/orgs/{rng.choice(self.orgs)}/") if self.orgs else None),
            (
                2,
                lambda: (
                    b.request("life", "GET", f"/life/orgs/{rng.choice(self.life_orgs)}/")
                    if self.life_orgs
                    else None
                ),
            ),
            (2, self.talk),
        ]
        if self.reports:
            actions += [
                (2, lambda: b.request("dashboard", "GET", "/reports/")),
                (1, lambda: b.request("survey", "GET", "/reports/survey/")),
            ]
        weights = [w for w, _ in actions]
        rng.choices([a for _, a in actions], weights=weights)[0]()

    def talk(self) -> None:
        """Record a talk through the real form (branch secretaries and community workers write)."""
        if self.account not in ("secretary", "worker") or not self.life_orgs:
            return
        b = self.browser
        org = self.rng.choice(self.life_orgs)
        page = b.request("talk-form", "GET", f"/life/orgs/{org}/talks/")
        people = select_options(page, "participant_a")
        if len(people) < 2 or "csrfmiddlewaretoken" not in page:
            return  # a community-level page without members of its own, or no right to write there
        a, p = self.rng.sample(people, 2)
        form = {
            "csrfmiddlewaretoken": csrf_token(page),
            "participant_a": a,
            "participant_b": p,
            "date": (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).date().isoformat(),  # today anywhere
            "place": "党群服务中心",
            "summary": f"围绕学习贯彻党的创新理论、履行党员义务和联系服务群众开展谈心谈话（负载测试{self.rng.randint(1, 10**6)}）。",
        }
        b.request("talk-post", "POST", f"/life/orgs/{org}/talks/", form, expect=302)
        with self.stats.lock:
            self.stats.talks += 1


def run_user(user: User, budget: Budget, delay: float) -> None:
    time.sleep(delay)  # ramp-up: users arrive one after the other
    try:
        user.login()
    except LoadError:
        return
    finally:
        user.stats.logged_in()
    while budget.take():
        with contextlib.suppress(LoadError):
            user.step()
        user.pause()


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def load(
    url: str, users: int, seconds: float, max_requests: int, think: float, seed: int, ramp: float
) -> tuple[list[str], int]:
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("the load test sends traffic to loopback (127.0.0.1) only")
    stats = Stats(logins_left=users)
    budget = Budget(seconds, max_requests)
    threads = [
        threading.Thread(
            target=run_user,
            args=(
                User(i, parts.hostname, parts.port or 80, stats, think, random.Random(seed * 1000 + i)),
                budget,
                ramp * i / max(1, users),
            ),
            daemon=True,
        )
        for i in range(users)
    ]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 120)
    elapsed = time.perf_counter() - started
    every = [s for values in stats.times.values() for s in values]
    browsing = [s for kind, values in stats.times.items() if kind != "login" for s in values]
    errors = sum(stats.errors.values())
    lines = [
        f"load\tusers\t{users}\tconcurrent",
        f"load\tduration\t{elapsed:.1f}\ts",
        f"load\trequests\t{stats.requests}\t({len(every)} ok, {errors} errors)",
        f"load\tthroughput\t{len(every) / elapsed:.1f}\treq/s",
        f"load\tlatency p50\t{percentile(every, 50) * 1000:.0f}\tms",
        f"load\tlatency p95\t{percentile(every, 95) * 1000:.0f}\tms",
        f"load\tlatency p99\t{percentile(every, 99) * 1000:.0f}\tms",
        f"load\tlatency p95 without the logins\t{percentile(browsing, 95) * 1000:.0f}\tms",
        f"load\tsteady state (all {users} logged in, after {((stats.all_in or started) - started):.0f}s)\t"
        f"{len(stats.steady) / max(1e-9, started + elapsed - (stats.all_in or started)):.1f} req/s, "
        f"p50 {percentile(stats.steady, 50) * 1000:.0f} ms, p95 {percentile(stats.steady, 95) * 1000:.0f} ms",
        f"load\ttalks recorded\t{stats.talks}\tforms",
        f"load\terrors\t{errors}\t",
    ]
    for kind in sorted(stats.times, key=lambda k: -len(stats.times[k])):
        values = stats.times[kind]
        lines.append(
            f"load\t{kind}\t{len(values)} req, p50 {percentile(values, 50) * 1000:.0f} ms, "
            f"p95 {percentile(values, 95) * 1000:.0f} ms, errors {stats.errors.get(kind, 0)}"
        )
    lines += [f"error\t{e}" for e in stats.examples]
    lines.append(f"verdict\t{'PASS' if errors == 0 and every else 'FAIL'}: {errors} errors")
    return lines, errors


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workers: int, threads: int, logs: Path) -> Iterator[str]:
    port = free_port()
    log = (logs / "gunicorn.log").open("w")
    command = [PYTHON, "-m", "gunicorn", "dangjian.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--threads", str(threads), "--timeout", "120"]
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/accounts/login/", headers={"Host": f"127.0.0.1:{port}"})
                if conn.getresponse().status == 200:
                    break
            if time.monotonic() > deadline or server.poll() is not None:
                sys.exit(f"gunicorn did not start: {(logs / 'gunicorn.log').read_text()[-2000:]}")
            time.sleep(0.3)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()


def server_env(url: str, data_dir: str, pool: str, conn_max_age: int) -> dict[str, str]:
    """Production mode on loopback: keys from the data dir that built the demo, DEBUG off."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DANGJIAN_", "CELERY_", "DATABASE_URL"))}
    env.update(
        DATABASE_URL=url,
        DANGJIAN_DATA_DIR=data_dir,
        DANGJIAN_SECRET_KEY_FILE=str(Path(data_dir, "secret.key")),
        DANGJIAN_FIELD_KEY_FILE=str(Path(data_dir, "field.key")),
        DANGJIAN_ALLOWED_HOSTS="127.0.0.1,localhost",
        DANGJIAN_SSL_REDIRECT="0",
        DANGJIAN_LOG_LEVEL="WARNING",
        DANGJIAN_CONN_MAX_AGE=str(conn_max_age if not pool else 0),
    )
    if pool:
        env["DANGJIAN_DB_POOL"] = pool
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="concurrent users (default 50)")
    parser.add_argument("--duration", type=float, default=180, help="seconds of load (default 180)")
    parser.add_argument("--max-requests", type=int, default=200_000, help="bound on the number of requests")
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean think time between requests, s (0: none)"
    )
    parser.add_argument(
        "--ramp", type=float, default=10, help="seconds over which the users arrive (default 10)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", default="district", help="demo scale of a throwaway database")
    parser.add_argument("--database-url", help="a PostgreSQL database with the demo already (else throwaway)")
    parser.add_argument("--data-dir", help="with --database-url: the data dir whose keys built it")
    parser.add_argument(
        "--url", help="an already running server on 127.0.0.1 (no database set-up, no gunicorn)"
    )
    parser.add_argument("--workers", type=int, default=5, help="gunicorn worker processes (default 5)")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker (default 2)")
    parser.add_argument(
        "--pool", default="", help='DANGJIAN_DB_POOL for the server, e.g. "2:4" (default off)'
    )
    parser.add_argument("--conn-max-age", type=int, default=60, help="DANGJIAN_CONN_MAX_AGE without a pool")
    args = parser.parse_args()

    if args.url:
        lines, errors = load(
            args.url, args.users, args.duration, args.max_requests, args.think, args.seed, args.ramp
        )
    else:
        data_dir = tempfile.mkdtemp(prefix="dangjian-load.")
        if args.data_dir:
            for key in ("secret.key", "field.key"):
                shutil.copy(Path(args.data_dir, key), Path(data_dir, key))
        logs = Path(data_dir, "logs")
        logs.mkdir()
        try:
            db = contextlib.nullcontext(args.database_url) if args.database_url else throwaway_postgres()
            with db as url:
                build = {
                    k: v for k, v in os.environ.items() if not k.startswith(("DANGJIAN_", "DATABASE_URL"))
                }
                build.update(
                    DATABASE_URL=url, DANGJIAN_DATA_DIR=data_dir, DANGJIAN_DEBUG="1"
                )  # keys made in data_dir
                dangjian("migrate", "--noinput", env=build, quiet=True)
                if not args.database_url:
                    print(
                        f"building the demo: dangjian demo --scale {args.scale} --seed {args.seed}",
                        flush=True,
                    )
                    dangjian("demo", "--scale", args.scale, "--seed", str(args.seed), env=build)
                env = server_env(url, data_dir, args.pool, args.conn_max_age)
                dangjian("collectstatic", "--noinput", env=env, quiet=True)
                with gunicorn(env, args.workers, args.threads, logs) as server:
                    print(
                        f"gunicorn {server}: {args.workers} workers x {args.threads} threads, "
                        f"{'pool ' + args.pool if args.pool else f'conn_max_age {args.conn_max_age}'}; "
                        f"{args.users} users for {args.duration:.0f}s (think {args.think}s)",
                        flush=True,
                    )
                    lines, errors = load(
                        server, args.users, args.duration, args.max_requests, args.think, args.seed, args.ramp
                    )
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)
    print("\n".join(lines))
    RESULTS.mkdir(parents=True, exist_ok=True)
    with (RESULTS / "load.txt").open("a", encoding="utf-8") as out:
        out.write(
            f"# {dt.datetime.now().astimezone():%Y-%m-%d %H:%M} {os.cpu_count()} cores {' '.join(sys.argv[1:])}\n"
        )
        out.write("\n".join(lines) + "\n")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
