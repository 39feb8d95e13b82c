"""`dangjian demo --scale street|district [--seed N] [--today YYYY-MM-DD] [--reset]`: build the demo
data of every capability (dangjian.core.registry demo builders), create one login per role and print
how to log in. The same seed and the same --today give the same data."""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from collections import Counter
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.accounts.roles import Role
from dangjian.audit import guards
from dangjian.audit.models import EventType
from dangjian.audit.services import audit_record
from dangjian.core.demo import DemoContext
from dangjian.core.planner import refresh_statistics
from dangjian.core.registry import registry
from dangjian.lib.names import person_name
from dangjian.members.models import Member, MemberCategory, MemberStatus
from dangjian.orgs.models import CommitteeRole, CommitteeSeat, Organization, OrgKind

PASSWORD = "Demo-2026!dj"  # noqa: S105  (printed at the end; demo databases only)
URL = "http://127.0.0.1:8000/"
FOUNDATION_ORDER = 20  # builders up to this order (organizations, members) run before the accounts exist
KEEP_TABLES = {"django_content_type", "auth_permission"}  # rebuilt only by migrate; not data

# (username, role, where): "street" the root, "community" the first community, "branch" its first branch
ACCOUNTS = [
    ("sysadmin", Role.SYSTEM_ADMIN, "street"),
    ("secadmin", Role.SECURITY_ADMIN, "street"),
    ("auditadmin", Role.AUDIT_ADMIN, "street"),
    ("street", Role.STREET_STAFF, "street"),
    ("worker", Role.COMMUNITY_WORKER, "community"),
    ("inspector", Role.INSPECTOR, "community"),
    ("secretary", Role.BRANCH_SECRETARY, "branch"),
    ("member", Role.MEMBER, "branch"),
]


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"应为 YYYY-MM-DD 格式的日期：{value}") from exc


def reset_database() -> None:
    """Delete every row of every model table (not the migration state, content types or permissions),
    with the audit trail's guard triggers lifted for the wipe (dangjian.audit.guards, as `flush` does)."""
    tables = [
        t
        for t in connection.introspection.django_table_names(only_existing=True, include_views=False)
        if t not in KEEP_TABLES
    ]
    postgres = connection.vendor == "postgresql"
    with guards.suspended(connection.alias):
        if postgres:  # TRUNCATE refuses tables with deferred foreign-key checks pending in this transaction
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables, reset_sequences=True))
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def create_accounts(ctx: DemoContext) -> list[User]:
    """One login per role, all with PASSWORD; sets ctx.actor to the street staff account."""
    street = ctx.street
    community = next(o for o in ctx.organizations if o.parent_id == street.pk and o.kind != OrgKind.BRANCH)
    branch = next(o for o in ctx.organizations if o.parent_id == community.pk and o.kind == OrgKind.BRANCH)
    where = {"street": street, "community": community, "branch": branch}
    secretary = (
        CommitteeSeat.objects.filter(
            committee__organization=branch,
            committee__is_current=True,
            role=CommitteeRole.SECRETARY,
            until__isnull=True,
        )
        .select_related("member")
        .first()
    )
    member = (
        Member.objects.current()
        .filter(
            organization=branch,
            status=MemberStatus.FULL,
            category=MemberCategory.RESIDENT,
            lost_contact_since__isnull=True,
        )
        .exclude(phone_enc="")
        .order_by("id")
        .first()
    )
    rng = random.Random(f"accounts-{ctx.seed}")  # own stream: the accounts do not shift later builders' data
    encoded = make_password(PASSWORD)  # hashed once: the slow hasher costs most of a second per account
    users = []
    for username, role, place in ACCOUNTS:
        user = User(
            username=username,
            role=role,
            organization=where[place],
            must_change_password=False,
            password_changed_at=timezone.now(),
            password=encoded,
            member=member if role == Role.MEMBER else None,
        )
        if role == Role.MEMBER and member is not None:
            user.display_name = member.name
        elif role == Role.BRANCH_SECRETARY and secretary is not None:
            user.display_name = secretary.member.name
        else:
            user.display_name = person_name(rng, "M" if rng.random() < 0.5 else "F", rng.randint(1970, 1995))
        validate_password(PASSWORD, user)
        users.append(user)
    User.objects.bulk_create(users)
    ctx.actor = next(u for u in users if u.role == Role.STREET_STAFF)
    return users


def build_demo(ctx: DemoContext) -> list[User]:
    """Every registered builder in order; the accounts are created once the foundation exists."""
    users: list[User] = []
    for builder in registry.demo_builders:
        if builder.order > FOUNDATION_ORDER and not users:
            users = create_accounts(ctx)
        builder.build(ctx)
        # Each builder bulk-inserts, and the next ones (and this one's notes) read what it wrote: with
        # the statistics of the empty tables PostgreSQL planned the dues builder's arrears query as a
        # nested loop per member and ran it for over ten minutes on the district.
        refresh_statistics()
    if not users:
        users = create_accounts(ctx)
    audit_record(
        actor=None,
        actor_name="dangjian demo",
        event_type=EventType.IMPORT,
        organization=ctx.street,
        object_type="demo",
        object_repr="演示数据",
        data={"scale": ctx.scale, "seed": ctx.seed, "today": ctx.today, "members": len(ctx.members)},
    )
    return users


class Command(BaseCommand):
    help = "生成演示数据（同一 --seed 与 --today 生成完全相同的数据），并创建各角色的演示账号。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            choices=["street", "district", "tiny"],
            default="street",
            metavar="{street,district}",
            help="street：一个街道（约10个社区、2000名党员）；"
            "district：一个区（8个街道、66个社区、约5000名党员）",
        )
        parser.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")
        parser.add_argument("--today", type=_date, default=None, help="以此日期为“今天”生成数据（默认今天）")
        parser.add_argument("--reset", action="store_true", help="先删除数据库中的全部数据")

    def handle(self, *args: Any, **options: Any) -> None:
        if Organization.objects.exists() and not options["reset"]:
            raise CommandError("数据库中已有党组织数据。如确需删除全部数据后重建演示数据，请加 --reset。")
        today = options["today"] or timezone.localdate()
        started = time.perf_counter()
        with transaction.atomic():
            if options["reset"]:
                reset_database()
            ctx = DemoContext(
                scale=options["scale"], seed=options["seed"], today=today, rng=random.Random(options["seed"])
            )
            users = build_demo(ctx)
        self.report(ctx, users, time.perf_counter() - started)

    def report(self, ctx: DemoContext, users: list[User], seconds: float) -> None:
        out = self.stdout.write
        kinds = Counter(o.kind for o in ctx.organizations)
        out(
            self.style.SUCCESS(
                f"演示数据已生成（{ctx.scale}，seed={ctx.seed}，today={ctx.today}，用时{seconds:.1f}秒）"
            )
        )
        out("党组织：" + "，".join(f"{OrgKind(k).label}{kinds[k]}个" for k in OrgKind.values if kinds[k]))
        current = [m for m in ctx.members if m.is_current]
        n = len(current) or 1
        men = sum(1 for m in current if m.gender == "M")
        ages = Counter(
            "35岁以下" if m.age(ctx.today) < 35 else "35至59岁" if m.age(ctx.today) < 60 else "60岁及以上"
            for m in current
        )
        out(
            f"党员：{len(current)}名在册（另有转出、去世{len(ctx.members) - len(current)}名）；"
            f"男{men * 100 // n}%；"
            + "，".join(f"{k}{ages[k] * 100 // n}%" for k in ("35岁以下", "35至59岁", "60岁及以上"))
        )
        out("")
        out(f"访问地址：{URL}")
        out(f"演示账号（密码均为 {PASSWORD}）：")
        width = max(len(u.username) for u in users)
        for u in users:
            out(f"  {u.username.ljust(width)}  {Role(u.role).label}（{u.organization.name}）")
        if ctx.notes:
            out("")
            out("预置的问题（供检查功能演示）：")
            for note in ctx.notes:
                out(f"  - {note}")
