"""Dues pages at street and district size: response time and query count of the scope overview
(collection rate by month), the arrears list, a community's month grid and the ledger export.

    .venv/bin/python bench/bench_dues.py [--scales street,district] [--keep]

Each scale gets its own temporary DANGJIAN_DATA_DIR, built with `dangjian demo --scale S --seed 1
--today 2026-06-15`. Prints one line per measurement and a verdict: the query count of every page
must be the same at both sizes (set-based reads), and each page must answer within BUDGET_SECONDS.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGET_SECONDS = 3.0
TODAY = "2026-06-15"

PROBE = r"""
import json, os, time, statistics, datetime as dt
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
django.setup()
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from dangjian.accounts.models import User
from dangjian.orgs.models import Organization

traveller = time_machine.travel(dt.datetime.fromisoformat(os.environ["BENCH_TODAY"] + "T10:00:00+08:00"), tick=False)
traveller.start()
street = User.objects.get(username="street")
root = street.organization
community = Organization.objects.filter(parent=root, kind="community_committee").order_by("pk").first()
client = Client(HTTP_HOST="localhost")
client.force_login(street)
pages = {
    "overview(street)": f"/dues/org/{root.pk}/?year=2026",
    "arrears(street)": f"/dues/org/{root.pk}/arrears/",
    "grid(community)": f"/dues/org/{community.pk}/grid/?year=2026",
    "ledger.xlsx(community)": f"/dues/org/{community.pk}/ledger.xlsx?year=2026",
    "home(street)": "/",
}
out = {}
for name, url in pages.items():
    client.get(url)  # warm
    times = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - t0)
        assert response.status_code == 200, (url, response.status_code)
    out[name] = {"seconds": statistics.median(times), "queries": len(ctx.captured_queries)}
from dangjian.members.models import Member
from dangjian.dues.models import DuesPayment
out["_size"] = {"members": Member.objects.count(), "payments": DuesPayment.objects.count()}
print("RESULT " + json.dumps(out))
"""


def run_scale(scale: str, keep: bool) -> dict:
    data_dir = tempfile.mkdtemp(prefix=f"dj-bench-dues-{scale}-")
    env = {**os.environ, "DANGJIAN_DATA_DIR": data_dir, "DANGJIAN_DEBUG": "1", "BENCH_TODAY": TODAY}
    exe = Path(sys.executable).with_name("dangjian")
    subprocess.run([str(exe), "migrate", "-v0"], env=env, check=True)
    t0 = time.perf_counter()
    subprocess.run([str(exe), "demo", "--scale", scale, "--seed", "1", "--today", TODAY], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    print(f"demo build\t{scale}\t{time.perf_counter() - t0:.1f}\ts")
    probe = subprocess.run([sys.executable, "-c", PROBE], env=env, check=True, capture_output=True, text=True)
    line = next(x for x in probe.stdout.splitlines() if x.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    if not keep:
        subprocess.run(["rm", "-rf", data_dir], check=False)
    else:
        print(f"kept data in {data_dir}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", default="street,district")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    results = {}
    for scale in args.scales.split(","):
        results[scale] = run_scale(scale, args.keep)
        size = results[scale].pop("_size")
        print(f"size\t{scale}\t{size['members']} members, {size['payments']} payment entries")
        for page, r in results[scale].items():
            print(f"{page}\t{scale}\t{r['seconds'] * 1000:.0f}\tms\t{r['queries']}\tqueries")
    ok = True
    scales = list(results)
    for page in results[scales[0]]:
        if page.startswith("home"):  # the home page holds every app's card: timing only
            continue
        counts = {s: results[s][page]["queries"] for s in scales}
        if len(set(counts.values())) > 1:
            ok = False
            print(f"FAIL query count of {page} grows with size: {counts}")
        for s in scales:
            if results[s][page]["seconds"] > BUDGET_SECONDS:
                ok = False
                print(f"FAIL {page} at {s}: {results[s][page]['seconds']:.2f}s > {BUDGET_SECONDS}s")
    out = Path(__file__).with_name("results")
    out.mkdir(exist_ok=True)
    (out / "bench_dues.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print("verdict\tdues\t" + ("PASS" if ok else "FAIL"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
