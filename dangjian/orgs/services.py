"""Writes to the organization tree and committees. Keyword-only, validated, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from dangjian.audit.models import EventType
from dangjian.audit.services import audit_record
from dangjian.core.rules import rule
from dangjian.orgs.models import ALLOWED_CHILDREN, Committee, CommitteeSeat, Organization, OrgKind


def check_parent(*, kind: str, parent: Organization | None) -> None:
    if parent is None:
        if kind != OrgKind.STREET_COMMITTEE:
            raise ValidationError({"parent": "只有街道党工委可以没有上级党组织"})
        return
    if kind not in ALLOWED_CHILDREN[parent.kind]:
        raise ValidationError({"parent": f"{OrgKind(parent.kind).label}下不能设立{OrgKind(kind).label}"})


def set_path(org: Organization) -> None:
    org.path = (org.parent.path if org.parent_id else "/") + f"{org.pk}/"
    org.depth = org.path.count("/") - 2


@transaction.atomic
def organization_create(
    *, actor: Any, parent: Organization | None, code: str, name: str, kind: str, **fields: Any
) -> Organization:
    check_parent(kind=kind, parent=parent)
    org = Organization(parent=parent, code=code.strip(), name=name.strip(), kind=kind, **fields)
    org.full_clean(exclude=["path"])
    org.save()
    set_path(org)
    org.save(update_fields=["path", "depth"])
    audit_record(
        actor=actor,
        event_type=EventType.CREATE,
        subject=org,
        organization=org,
        data={"new": {"code": org.code, "name": org.name, "kind": org.kind}},
    )
    return org


def default_term_years(kind: str) -> int:
    return int(rule("term_years").get(kind, 3))


@transaction.atomic
def committee_create(
    *,
    actor: Any,
    organization: Organization,
    elected_on: dt.date,
    term_years: int | None = None,
    secretary_is_director: bool = False,
    seats: list[dict[str, Any]] = (),  # type: ignore[assignment]
) -> Committee:
    """A new term: the previous current committee ends, its open seats close the day before."""
    previous = Committee.objects.filter(organization=organization, is_current=True).first()
    if previous is not None:
        if elected_on <= previous.elected_on:
            raise ValidationError({"elected_on": "新一届的选举日期须晚于上一届"})
        previous.is_current = False
        previous.save(update_fields=["is_current"])
        CommitteeSeat.objects.filter(committee=previous, until__isnull=True).update(
            until=elected_on - dt.timedelta(days=1)
        )
    committee = Committee(
        organization=organization,
        elected_on=elected_on,
        term_years=term_years or default_term_years(organization.kind),
        secretary_is_director=secretary_is_director,
    )
    committee.full_clean()
    committee.save()
    for seat in seats:
        CommitteeSeat.objects.create(committee=committee, since=elected_on, **seat)
    audit_record(
        actor=actor,
        event_type=EventType.CREATE,
        subject=committee,
        organization=organization,
        data={
            "new": {
                "elected_on": elected_on,
                "term_years": committee.term_years,
                "seats": [(s["member"].pk, s["role"]) for s in seats],
            }
        },
    )
    return committee
