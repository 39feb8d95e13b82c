"""Reads of the member registry: the filtered list (fixed query count per page) and a member's story."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from dangjian.core import pii
from dangjian.core.params import int_param
from dangjian.lib import idcard
from dangjian.members.models import AgeBand, Member, MemberCategory, MemberStatus
from dangjian.orgs.models import Organization

_DIGITS = re.compile(r"^\d{1,6}[Xx]?$|^\d{0,5}[Xx]$")
_LATIN = re.compile(r"^[A-Za-z]+$")


@dataclass(frozen=True)
class MemberFilters:
    q: str = ""
    category: str = ""
    status: str = ""
    age_band: str = ""
    org: Organization | None = None
    include_former: bool = False

    @classmethod
    def from_params(cls, params: Any, orgs: QuerySet[Organization]) -> MemberFilters:
        org = None
        org_id = params.get("org", "")
        if (org_pk := int_param(org_id)) is not None:
            org = orgs.filter(pk=org_pk).first()
        return cls(
            q=params.get("q", "").strip()[:40],
            category=params.get("category", "")
            if params.get("category", "") in MemberCategory.values
            else "",
            status=params.get("status", "") if params.get("status", "") in MemberStatus.values else "",
            age_band=params.get("age_band", "") if params.get("age_band", "") in AgeBand.values else "",
            org=org,
            include_former=params.get("former", "") == "1",
        )

    def as_query(self) -> dict[str, str]:
        out = {"q": self.q, "category": self.category, "status": self.status, "age_band": self.age_band}
        if self.org:
            out["org"] = str(self.org.pk)
        if self.include_former:
            out["former"] = "1"
        return {k: v for k, v in out.items() if v}


def search_q(text: str) -> Q:
    """Name, pinyin initials (zjg → 张建国), the last digits of the ID number, or a whole ID number."""
    text = text.strip()
    if len(text) == 18:
        try:
            return Q(id_number_hmac=pii.digest(idcard.parse(text).value))
        except idcard.IdNumberError:
            return Q(pk__in=[])
    if _DIGITS.match(text):
        tail = text.upper()
        return Q(id_number_last4__endswith=tail) if len(tail) <= 4 else Q(id_number_last4=tail[-4:])
    if _LATIN.match(text):
        return Q(name_initials__startswith=text.lower())
    return Q(name__contains=text)


def member_list(qs: QuerySet[Member], filters: MemberFilters, on: dt.date) -> QuerySet[Member]:
    if not filters.include_former:
        qs = qs.current()
    if filters.q:
        qs = qs.filter(search_q(filters.q))
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.age_band:
        qs = qs.in_age_band(filters.age_band, on)
    if filters.org is not None:
        qs = qs.filter(organization__path__startswith=filters.org.path)
    return qs.select_related("organization", "group").order_by("organization__path", "name", "id")
