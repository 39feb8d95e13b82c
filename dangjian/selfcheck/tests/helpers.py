"""Test helpers: run one rule over a subtree and period; make committees and activities quickly."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dangjian.orgs.models import Committee, CommitteeRole, CommitteeSeat
from dangjian.selfcheck import engine

Y2024 = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))


def findings(
    code: str, root: Any, start: dt.date = Y2024[0], end: dt.date = Y2024[1], today: dt.date | None = None
) -> list[engine.Finding]:
    rule = engine.load_rules()[code]
    ctx = engine.build_context(root, start, end, today or dt.date(2025, 1, 15))
    outcome = engine.run_rule(rule, ctx)
    assert not outcome.error, outcome.error
    return outcome.findings


def committee(
    org: Any,
    *members: Any,
    elected: dt.date = dt.date(2022, 3, 1),
    years: int = 3,
    roles: tuple[str, ...] = (),
) -> Committee:
    c = Committee.objects.create(organization=org, elected_on=elected, term_years=years)
    for i, m in enumerate(members):
        role = roles[i] if i < len(roles) else (CommitteeRole.SECRETARY if i == 0 else CommitteeRole.MEMBER)
        CommitteeSeat.objects.create(committee=c, member=m, role=role, since=elected)
    return c


def activity(org: Any, kind: str, day: dt.date, minutes: str = "", attendance: Any = (), **kw: Any) -> Any:
    """An Activity with its attendance list: items are members (attended) or (member, reason) (absent)."""
    from dangjian.life.models import Activity, Attendance

    a = Activity.objects.create(
        organization=org,
        kind=kind,
        date=day,
        place="党员活动室",
        topic=kw.pop("topic", "学习"),
        minutes=minutes,
        **kw,
    )
    rows = []
    for item in attendance:
        member, reason = (item, "") if not isinstance(item, tuple) else item
        rows.append(Attendance(activity=a, member=member, attended=not reason, absence_reason=reason))
    Attendance.objects.bulk_create(rows)
    return a
