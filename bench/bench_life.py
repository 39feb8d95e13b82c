"""Benchmark: the obligations calendar (dangjian.life.obligations.compute) for a whole subtree, at street
and at district size. It must be set-based: the same number of queries at both sizes, and a time per
organization that stays about flat (so the total grows linearly with the number of branches).

    .venv/bin/python bench/bench_life.py            # own minimal data (orgs, members, seats) + the life demo builder
    .venv/bin/python bench/bench_life.py --demo     # data from `dangjian demo --scale street|district --seed 1`

Prints one line per measurement (what, size, value, unit) and a verdict. Uses its own temporary
DANGJIAN_DATA_DIR, never ./data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

TODAY = dt.date(2026, 6, 30)
SIZES = {"street": (1, 10), "district": (8, 66)}  # street committees, communities


def setup_django(data_dir: str) -> None:
    os.environ["DANGJIAN_DATA_DIR"] = data_dir
    os.environ.setdefault("DANGJIAN_TESTING", "1")  # keys in the temporary data dir; no DEBUG query logging
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_minimal(scale: str, seed: int) -> tuple[object, float, dict[str, int]]:
    """A street or district tree (communities → branches → groups), members with memberships and
    committee seats, then the life demo builder. Returns (root, life builder seconds, counts)."""
    from django.db import transaction

    from dangjian.core.demo import DemoContext
    from dangjian.life.demo import build
    from dangjian.members.models import Member, Membership, MemberStatus
    from dangjian.orgs.models import Committee, CommitteeRole, CommitteeSeat, Organization, OrgKind

    rng = random.Random(seed)
    streets, communities = SIZES[scale]
    tag = scale[0].upper()
    with transaction.atomic():
        root = Organization.objects.create(
            code=f"{tag}-ROOT",
            name=f"{scale}根组织",
            kind=OrgKind.STREET_COMMITTEE,
            path="",
            founded_on=dt.date(2000, 1, 1),
        )
        root.path, root.depth = f"/{root.pk}/", 0
        root.save(update_fields=["path", "depth"])
        orgs = [root]
        serial = 0

        def add(parent: Organization, kind: str, name: str, founded: dt.date) -> Organization:
            nonlocal serial
            serial += 1
            org = Organization.objects.create(
                code=f"{tag}{serial:05d}", name=name, kind=kind, parent=parent, founded_on=founded
            )
            org.path, org.depth = f"{parent.path}{org.pk}/", parent.depth + 1
            org.save(update_fields=["path", "depth"])
            orgs.append(org)
            return org

        parents = (
            [root]
            if streets == 1
            else [
                add(root, OrgKind.STREET_COMMITTEE, f"第{i + 1}街道", dt.date(2000, 1, 1))
                for i in range(streets)
            ]
        )
        branches = []
        for c in range(communities):
            community = add(
                parents[c % len(parents)],
                OrgKind.COMMUNITY_COMMITTEE,
                f"第{c + 1}社区党委",
                dt.date(2000, 1, 1),
            )
            for b in range(rng.randint(3, 5)):
                founded = (
                    dt.date(2000, 1, 1)
                    if rng.random() > 0.05
                    else dt.date(TODAY.year - 1, rng.randint(1, 12), 15)
                )
                branch = add(community, OrgKind.BRANCH, f"{community.name}第{b + 1}党支部", founded)
                branches.append(branch)
                for g in range(rng.randint(0, 3)):
                    add(branch, OrgKind.GROUP, f"第{g + 1}党小组", founded)
        groups = {o.parent_id: [] for o in orgs}
        for o in orgs:
            if o.kind == OrgKind.GROUP:
                groups[o.parent_id].append(o)
        members, placed = [], []
        for branch in branches:
            for _ in range(rng.randint(12, 30)):
                joined = dt.date(rng.randint(1970, 2019), rng.randint(1, 12), 1)
                own_groups = groups.get(branch.pk, [])
                m = Member(
                    name=f"党员{len(members) + 1}",
                    gender=rng.choice("MF"),
                    birth_date=dt.date(1950, 1, 1),
                    education="high_school",
                    organization=branch,
                    category="resident",
                    group=rng.choice(own_groups) if own_groups else None,
                    status=MemberStatus.FULL,
                    joined_on=joined,
                    confirmed_on=joined.replace(year=joined.year + 1),
                    elderly=rng.random() < 0.3,
                    mobility_impaired=rng.random() < 0.05,
                )
                members.append(m)
                placed.append(branch)
        members = Member.objects.bulk_create(members, batch_size=2000)
        Membership.objects.bulk_create(
            [
                Membership(member=m, organization=b, since=m.joined_on)
                for m, b in zip(members, placed, strict=True)
            ],
            batch_size=2000,
        )
        by_branch: dict[int, list[Member]] = {}
        for m, b in zip(members, placed, strict=True):
            by_branch.setdefault(b.pk, []).append(m)
        committees = Committee.objects.bulk_create(
            [
                Committee(
                    organization=b, elected_on=dt.date(2022, 1, 1), term_years=3, ends_on=dt.date(2025, 1, 1)
                )
                for b in branches
            ]
        )
        roles = [
            CommitteeRole.SECRETARY,
            CommitteeRole.ORGANIZATION,
            CommitteeRole.PROPAGANDA,
            CommitteeRole.DISCIPLINE,
        ]
        seats = []
        for committee, b in zip(committees, branches, strict=True):
            people = by_branch[b.pk]
            count = 1 if len(people) < 7 and rng.random() < 0.3 else min(len(roles), 3 + (len(people) >= 20))
            seats += [
                CommitteeSeat(committee=committee, member=people[i], role=roles[i], since=dt.date(2015, 1, 1))
                for i in range(count)
            ]
        CommitteeSeat.objects.bulk_create(seats)
        ctx = DemoContext(scale=scale, seed=seed, today=TODAY, rng=random.Random(seed))
        ctx.street, ctx.organizations, ctx.members = root, orgs, members
        started = time.perf_counter()
        counts = build(ctx)
        seconds = time.perf_counter() - started
    return root, seconds, dict(counts)


def build_with_demo(scale: str, seed: int) -> tuple[object, float, dict[str, int]]:
    from django.core.management import call_command

    from dangjian.core.registry import DemoBuilder, registry
    from dangjian.orgs.models import Organization

    timing: dict[str, float] = {}
    original = list(registry.demo_builders)

    def timed(builder: DemoBuilder) -> DemoBuilder:
        def run(ctx: object) -> object:
            started = time.perf_counter()
            result = builder.build(ctx)
            timing[builder.name] = time.perf_counter() - started
            return result

        return DemoBuilder(builder.name, run, builder.order)

    registry.demo_builders[:] = [timed(b) for b in original]
    try:
        call_command("demo", scale=scale, seed=seed, reset=True, today=TODAY, stdout=open(os.devnull, "w"))  # noqa: SIM115
    finally:
        registry.demo_builders[:] = original
    root = Organization.objects.filter(parent__isnull=True).order_by("path").first()
    return root, timing.get("life", 0.0), {}


def measure(root: object, repeat: int) -> dict[str, float]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from dangjian.life.obligations import compute
    from dangjian.orgs.models import Organization, OrgKind

    orgs = Organization.objects.filter(path__startswith=root.path)  # type: ignore[attr-defined]
    branches = orgs.filter(kind=OrgKind.BRANCH).count()
    owing = orgs.filter(kind__in=[OrgKind.BRANCH, OrgKind.GROUP]).count()
    compute(root, [TODAY.year - 1], TODAY)  # warm up
    times = []
    for _ in range(repeat):
        reset_queries()
        started = time.perf_counter()
        result = compute(root, [TODAY.year - 1], TODAY)
        rows = result.rows()
        times.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as ctx:
        compute(root, [TODAY.year - 1], TODAY).rows()
    return {
        "branches": branches,
        "owing": owing,
        "seconds": statistics.median(times),
        "queries": len(ctx.captured_queries),
        "obligations": sum(len(c.obligations) for r in rows for c in r.cells),
        "late": sum(r.late for r in rows),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--demo", action="store_true", help="use `dangjian demo` data instead of the minimal data"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-life-") as data_dir:
        setup_django(data_dir)
        results = {}
        for scale in ("street", "district"):
            builder = build_with_demo if args.demo else build_minimal
            root, build_seconds, counts = builder(scale, args.seed)
            r = measure(root, args.repeat)
            results[scale] = r
            print(f"life demo build, {scale}, {build_seconds:.1f}, s  {counts}")
            print(
                f"organizations owing obligations (branches+groups), {scale}, {r['owing']}, orgs ({r['branches']} branches)"
            )
            print(f"obligations computed, {scale}, {r['obligations']}, obligations ({r['late']} late)")
            print(f"obligations calendar whole subtree, {scale}, {r['seconds'] * 1000:.1f}, ms")
            print(
                f"obligations calendar per organization, {scale}, {r['seconds'] / r['owing'] * 1e6:.0f}, µs/org"
            )
            print(f"obligations calendar queries, {scale}, {r['queries']}, queries")
        s, d = results["street"], results["district"]
        size_ratio = d["owing"] / s["owing"]
        time_ratio = d["seconds"] / s["seconds"]
        per_org_ratio = (d["seconds"] / d["owing"]) / (s["seconds"] / s["owing"])
        print(f"size ratio district/street, -, {size_ratio:.2f}, x")
        print(f"time ratio district/street, -, {time_ratio:.2f}, x")
        print(f"time per organization ratio district/street, -, {per_org_ratio:.2f}, x (flat is 1.0)")
        same_queries = s["queries"] == d["queries"]
        flat = 0.5 <= per_org_ratio <= 2.0
        verdict = "OK" if same_queries and flat else "FAIL"
        print(
            f"verdict: {verdict} (same number of queries: {same_queries}; per-organization time flat: {flat})"
        )
        return 0 if verdict == "OK" else 1


if __name__ == "__main__":
    raise SystemExit(main())
