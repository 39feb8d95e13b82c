"""Home-page cards: the scope's members at a glance; for a member, their own record."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from dangjian.accounts.roles import Domain, Role
from dangjian.lib.periods import add_years
from dangjian.members.models import Member, MemberCategory, MemberStatus


def members_card(request: Any) -> dict[str, Any] | None:
    user = request.user
    if user.role == Role.MEMBER or not user.can(Domain.RECORDS):
        return None
    today = timezone.localdate()
    stats = (
        Member.objects.for_user(user)
        .current()
        .aggregate(
            total=Count("id"),
            full=Count("id", filter=Q(status=MemberStatus.FULL)),
            probationary=Count("id", filter=Q(status=MemberStatus.PROBATIONARY)),
            resident=Count("id", filter=Q(category=MemberCategory.RESIDENT)),
            in_service=Count("id", filter=Q(category=MemberCategory.IN_SERVICE)),
            floating=Count("id", filter=Q(category=MemberCategory.FLOATING)),
            over_60=Count("id", filter=Q(birth_date__lte=add_years(today, -60))),
            lost=Count("id", filter=Q(lost_contact_since__isnull=False)),
            hardship=Count("id", filter=Q(hardship=True)),
        )
    )
    return stats


def own_record_card(request: Any) -> dict[str, Any] | None:
    user = request.user
    if user.role != Role.MEMBER or user.member_id is None:
        return None
    return {"member": user.member}
