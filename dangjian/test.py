"""Test bases: factories for the core graph and a small world with one named persona per role.

street 街道党工委 (S)
├── community 社区党委 C1
│   ├── branch B1 (group G1)
│   └── branch B2
└── community 社区党委 C2
    └── branch B3
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass
from typing import Any

import factory
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.accounts.roles import Role
from dangjian.lib import idcard
from dangjian.members.models import Education, Member, MemberCategory, Membership, MemberStatus
from dangjian.members.services import name_initials
from dangjian.orgs.models import Organization, OrgKind
from dangjian.orgs.services import set_path

PASSWORD = "Test-Passw0rd!"  # noqa: S105 (test personas only)
_rng = random.Random(20240601)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    code = factory.Sequence(lambda n: f"ORG{n:05d}")
    name = factory.Sequence(lambda n: f"第{n}党支部")
    kind = OrgKind.BRANCH
    founded_on = dt.date(2010, 1, 1)

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Organization:
        org = super()._create(model_class, *args, **kwargs)
        set_path(org)
        org.save(update_fields=["path", "depth"])
        return org


_issued = itertools.count()


def make_id_number(birth_date: dt.date, gender: str = "M", region: str | None = None) -> str:
    """A valid ID number, never the same twice in a test run (a sequence, not chance, picks the
    order digits; the region moves on every 500 numbers)."""
    n = next(_issued)
    region = region or f"{320102 + n // 500:06d}"
    seq = n % 500
    first17 = f"{region}{birth_date:%Y%m%d}{seq // 5:02d}{(seq % 5) * 2 + (1 if gender == 'M' else 0)}"
    return first17 + idcard.check_digit(first17)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member
        exclude = ("id_number_plain", "phone_plain")

    name = factory.Sequence(lambda n: f"党员{n}")
    gender = "M"
    birth_date = dt.date(1955, 3, 10)
    education = Education.HIGH_SCHOOL
    category = MemberCategory.RESIDENT
    status = MemberStatus.FULL
    joined_on = dt.date(1980, 7, 1)
    confirmed_on = dt.date(1981, 7, 1)
    organization = factory.SubFactory(OrganizationFactory)
    id_number_plain = factory.LazyAttribute(lambda o: make_id_number(o.birth_date, o.gender))
    phone_plain = factory.Sequence(lambda n: f"139{n:08d}")

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Member:
        id_number = kwargs.pop("id_number", None)
        phone = kwargs.pop("phone", None)
        member = model_class(*args, **kwargs)
        member.id_number = id_number or make_id_number(member.birth_date, member.gender)
        member.phone = phone if phone is not None else f"139{_rng.randrange(10**8):08d}"
        member.name_initials = name_initials(member.name)
        member.save()
        Membership.objects.create(member=member, organization=member.organization, since=member.joined_on)
        return member


def make_user(role: str, organization: Organization, username: str | None = None, **kwargs: Any) -> User:
    user = User(
        username=username or f"{role}-{organization.code}".lower(),
        role=role,
        organization=organization,
        must_change_password=False,
        password_changed_at=timezone.now(),
        **kwargs,
    )
    user.set_password(PASSWORD)
    user.save()
    return user


@dataclass
class World:
    street: Organization
    c1: Organization
    c2: Organization
    b1: Organization
    b2: Organization
    b3: Organization
    g1: Organization
    users: dict[str, User]
    members: dict[str, Member]

    def user(self, key: str) -> User:
        return self.users[key]


def build_world() -> World:
    street = OrganizationFactory(
        code="S", name="玄武门街道党工委", kind=OrgKind.STREET_COMMITTEE, locality="江苏省南京市玄武区"
    )
    c1 = OrganizationFactory(
        code="C1", name="香铺营社区党委", kind=OrgKind.COMMUNITY_COMMITTEE, parent=street
    )
    c2 = OrganizationFactory(
        code="C2", name="唱经楼社区党委", kind=OrgKind.COMMUNITY_COMMITTEE, parent=street
    )
    b1 = OrganizationFactory(code="B1", name="第一党支部", kind=OrgKind.BRANCH, parent=c1, basis="building")
    b2 = OrganizationFactory(code="B2", name="第二党支部", kind=OrgKind.BRANCH, parent=c1, basis="grid")
    b3 = OrganizationFactory(code="B3", name="唱经楼第一党支部", kind=OrgKind.BRANCH, parent=c2)
    g1 = OrganizationFactory(code="G1", name="第一党小组", kind=OrgKind.GROUP, parent=b1)
    members = {
        "m1": MemberFactory(name="张建国", organization=b1, group=g1),
        "m2": MemberFactory(name="李秀英", organization=b1, gender="F", birth_date=dt.date(1948, 5, 2)),
        "m3": MemberFactory(name="王志强", organization=b2),
        "m4": MemberFactory(name="赵丽华", organization=b3, gender="F"),
    }
    users = {
        "system_admin": make_user(Role.SYSTEM_ADMIN, street, "sysadmin"),
        "security_admin": make_user(Role.SECURITY_ADMIN, street, "secadmin"),
        "audit_admin": make_user(Role.AUDIT_ADMIN, street, "auditadmin"),
        "street_staff": make_user(Role.STREET_STAFF, street, "street"),
        "community_worker": make_user(Role.COMMUNITY_WORKER, c1, "worker1"),
        "branch_secretary": make_user(Role.BRANCH_SECRETARY, b1, "secretary1"),
        "inspector": make_user(Role.INSPECTOR, c1, "inspector1"),
        "member": make_user(Role.MEMBER, b1, "member1", member=members["m1"]),
    }
    return World(street, c1, c2, b1, b2, b3, g1, users, members)


def site_routes() -> list[str]:
    """The route of every page of the site (the API, the admin and static files left out: the API
    has its own fuzz test, the admin is Django's), for tests that sweep all of them."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(resolver: URLResolver, prefix: str) -> list[str]:
        found: list[str] = []
        for p in resolver.url_patterns:
            route = prefix + str(p.pattern)
            if route.startswith(("api/", "admin/", "django-admin/", "static/", "media/")):
                continue
            if isinstance(p, URLResolver):
                found += walk(p, route)
            elif isinstance(p, URLPattern):
                found.append(route)
        return found

    return walk(get_resolver(), "")


def fill_route(route: str, pk: int) -> str | None:
    """The route as a URL with every parameter set to `pk`; None for regex routes and parameters that
    are not numbers."""
    import re

    if route.startswith("^"):
        return None
    parts = re.split(r"<([^>]+)>", route)
    out = []
    for i, part in enumerate(parts):
        if i % 2 == 0:
            out.append(part)
        elif part.startswith(("int:", "path:")) or ":" not in part:
            out.append(str(pk))
        else:
            return None
    return "/" + "".join(out)
