"""The status workflow of measures and the acceptance (销号) of findings."""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.accounts.roles import Role
from dangjian.audit.models import AuditEvent
from dangjian.inspection import services
from dangjian.inspection.models import (
    AcceptanceDecision,
    FindingStatus,
    MeasureProgress,
    MeasureStatus,
    RectificationMeasure,
)
from dangjian.inspection.tests.helpers import finish, make_finding, make_measure, make_round
from dangjian.test import make_user

S = MeasureStatus
# The transitions a rectifier (community worker, branch secretary, street staff doing the work) may make.
RECTIFIER_MOVES = {
    (S.NOT_STARTED, S.IN_PROGRESS),
    (S.NOT_STARTED, S.DONE),
    (S.NOT_STARTED, S.LONG_TERM),
    (S.IN_PROGRESS, S.DONE),
    (S.IN_PROGRESS, S.LONG_TERM),
    (S.LONG_TERM, S.IN_PROGRESS),
    (S.LONG_TERM, S.DONE),
    (S.DONE, S.IN_PROGRESS),
}


def _measure_in(world, status: str) -> RectificationMeasure:  # noqa: ANN001
    finding = make_finding(world, make_round(world))
    measure = make_measure(world, finding)
    # reach `status` through the workflow itself
    path = {
        S.NOT_STARTED: [],
        S.IN_PROGRESS: [S.IN_PROGRESS],
        S.DONE: [S.DONE],
        S.LONG_TERM: [S.LONG_TERM],
        S.ACCEPTED: [S.DONE],
    }[status]
    for step in path:
        measure = services.measure_transition(
            actor=world.user("community_worker"), measure=measure, to=step, note="x"
        )
    if status == S.ACCEPTED:
        services.rectification_close(actor=world.user("street_staff"), finding=finding, comment="同意销号")
        measure.refresh_from_db()
    assert measure.status == status
    return measure


@pytest.mark.parametrize(("frm", "to"), list(itertools.product(S.values, S.values)))
def test_it_allows_exactly_the_listed_transitions(world, frm, to):  # noqa: ANN001
    """GIVEN a measure in status `frm` WHEN its community worker moves it to `to` THEN only the table's moves pass."""
    measure = _measure_in(world, frm)
    worker = world.user("community_worker")
    if (frm, to) in RECTIFIER_MOVES:
        moved = services.measure_transition(actor=worker, measure=measure, to=to, note="完成情况")
        assert moved.status == to
        record = MeasureProgress.objects.filter(measure=measure).latest("pk")
        assert (record.status_from, record.status_to) == (frm, to)
        assert (moved.completed_on is not None) == (to in (S.DONE, S.ACCEPTED))
    else:
        before = MeasureProgress.objects.filter(measure=measure).count()
        with pytest.raises(ValidationError):
            services.measure_transition(actor=worker, measure=measure, to=to, note="完成情况")
        measure.refresh_from_db()
        assert measure.status == frm
        assert MeasureProgress.objects.filter(measure=measure).count() == before


def test_it_never_lets_a_rectifier_accept(world):  # noqa: ANN001
    measure = _measure_in(world, S.DONE)
    with pytest.raises(ValidationError):
        services.measure_transition(
            actor=world.user("street_staff"), measure=measure, to=S.ACCEPTED, note="自行销号"
        )
    measure.refresh_from_db()
    assert measure.status == S.DONE


def test_it_requires_a_note_to_mark_done(world):  # noqa: ANN001
    measure = make_measure(world, make_finding(world, make_round(world)))
    with pytest.raises(ValidationError) as exc:
        services.measure_transition(
            actor=world.user("community_worker"), measure=measure, to=S.DONE, note=" "
        )
    assert "note" in exc.value.message_dict


def test_it_refuses_measure_work_by_an_inspector(world):  # noqa: ANN001
    measure = make_measure(world, make_finding(world, make_round(world)))
    with pytest.raises(PermissionDenied):
        services.measure_transition(actor=world.user("inspector"), measure=measure, to=S.IN_PROGRESS)
    with pytest.raises(PermissionDenied):
        make_measure(world, measure.finding, actor=world.user("inspector"))
    with pytest.raises(PermissionDenied):
        services.measure_progress_add(actor=world.user("inspector"), measure=measure, note="检查")


def test_it_closes_a_finding_when_a_superior_accepts(world):  # noqa: ANN001
    """GIVEN a C1 finding whose measures are all done WHEN street staff accept THEN it is closed (销号),
    its measures accepted, the decision and the audit kept."""
    finding = make_finding(world, make_round(world))
    m1, m2 = make_measure(world, finding), make_measure(world, finding)
    finish(world, m1)
    finish(world, m2)
    closed = services.rectification_close(
        actor=world.user("street_staff"), finding=finding, comment="材料齐全，同意销号"
    )
    assert closed.status == FindingStatus.CLOSED and closed.closed_on is not None
    assert set(RectificationMeasure.objects.filter(finding=finding).values_list("status", flat=True)) == {
        S.ACCEPTED
    }
    decision = AcceptanceDecision.objects.get(finding=finding)
    assert (
        decision.accepted
        and decision.comment == "材料齐全，同意销号"
        and decision.decided_by_org == world.street
    )
    assert AuditEvent.objects.filter(object_type="inspection.Finding", object_id=str(finding.pk)).count() >= 2
    assert finding.history.count() >= 2  # created, closed
    with pytest.raises(ValidationError):  # closed findings take no more work
        make_measure(world, finding)


def test_it_refuses_acceptance_while_a_measure_is_unfinished(world):  # noqa: ANN001
    finding = make_finding(world, make_round(world))
    m1 = make_measure(world, finding)
    make_measure(world, finding)
    finish(world, m1)
    with pytest.raises(ValidationError) as exc:
        services.rectification_close(actor=world.user("street_staff"), finding=finding, comment="同意")
    assert "2" in exc.value.messages[0]
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN


def test_it_refuses_acceptance_of_a_finding_without_measures_or_comment(world):  # noqa: ANN001
    finding = make_finding(world, make_round(world))
    with pytest.raises(ValidationError):
        services.rectification_close(actor=world.user("street_staff"), finding=finding, comment="同意")
    finish(world, make_measure(world, finding))
    with pytest.raises(ValidationError) as exc:
        services.rectification_close(actor=world.user("street_staff"), finding=finding, comment="  ")
    assert "comment" in exc.value.message_dict


@pytest.mark.parametrize(
    ("role", "where", "finding_at", "allowed"),
    [
        (Role.STREET_STAFF, "street", "c1", True),  # superior
        (Role.STREET_STAFF, "street", "b1", True),  # two levels up
        (
            Role.STREET_STAFF,
            "c1",
            "b1",
            True,
        ),  # a street-staff account bound to the community, for its branch
        (Role.STREET_STAFF, "c1", "c1", False),  # same level
        (Role.STREET_STAFF, "b1", "c1", False),  # inferior
        (Role.COMMUNITY_WORKER, "c1", "b1", False),  # community workers rectify, they do not accept
        (Role.INSPECTOR, "street", "c1", False),  # inspectors file findings, the street committee accepts
        (Role.BRANCH_SECRETARY, "c1", "b1", False),
    ],
)
def test_it_accepts_only_from_a_superior_organization(world, role, where, finding_at, allowed):  # noqa: ANN001
    finding = make_finding(world, make_round(world), organization=getattr(world, finding_at))
    finish(world, make_measure(world, finding))
    user = make_user(role, getattr(world, where), username=f"u-{role}-{where}")
    assert services.may_accept(user, finding) is allowed
    if allowed:
        services.rectification_close(actor=user, finding=finding, comment="同意销号")
        finding.refresh_from_db()
        assert finding.status == FindingStatus.CLOSED
    else:
        with pytest.raises(PermissionDenied):
            services.rectification_close(actor=user, finding=finding, comment="同意销号")
        with pytest.raises(PermissionDenied):
            services.rectification_refuse(actor=user, finding=finding, reason="不行")
        finding.refresh_from_db()
        assert finding.status == FindingStatus.OPEN
        assert not AcceptanceDecision.objects.filter(finding=finding).exists()


def test_it_reopens_measures_when_acceptance_is_refused(world):  # noqa: ANN001
    finding = make_finding(world, make_round(world))
    measures = [finish(world, make_measure(world, finding)) for _ in range(2)]
    services.rectification_refuse(actor=world.user("street_staff"), finding=finding, reason="佐证材料不足")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN
    for m in measures:
        m.refresh_from_db()
        assert m.status == S.IN_PROGRESS and m.completed_on is None
        assert m.progress.latest("pk").note == "验收未通过：佐证材料不足"
    decision = AcceptanceDecision.objects.get(finding=finding)
    assert not decision.accepted and decision.comment == "佐证材料不足"
    with pytest.raises(ValidationError):  # reason is required
        for m in measures:
            finish(world, m)
        services.rectification_refuse(actor=world.user("street_staff"), finding=finding, reason="")


def test_it_keeps_every_change_in_history(world):  # noqa: ANN001
    finding = make_finding(world, make_round(world))
    measure = make_measure(world, finding)
    services.measure_update(
        actor=world.user("community_worker"),
        measure=measure,
        version=measure.version,
        data={"owner_name": "李强"},
    )
    with pytest.raises(services.StaleVersion):
        services.measure_update(
            actor=world.user("community_worker"),
            measure=measure,
            version=measure.version,
            data={"owner_name": "张三"},
        )
    measure.refresh_from_db()
    assert measure.owner_name == "李强"
    assert [h.owner_name for h in measure.history.order_by("history_id")] == ["王芳", "李强"]
    events = AuditEvent.objects.filter(
        object_type="inspection.RectificationMeasure", object_id=str(measure.pk)
    )
    assert events.filter(event_type="update").first().data["changes"]["owner_name"] == ["王芳", "李强"]
