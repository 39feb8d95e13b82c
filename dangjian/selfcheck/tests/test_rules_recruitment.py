"""Recruitment and election rules: each with a record set that triggers it and the smallest change
that does not, and a district-wide read in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.elections import services as election_services
from dangjian.recruitment import services as recruitment_services
from dangjian.recruitment.models import CultivationLog, RecruitStep
from dangjian.selfcheck.tests.helpers import findings
from dangjian.test import MemberFactory, make_id_number

pytestmark = pytest.mark.django_db

YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
TODAY = dt.date(2026, 1, 15)


def applicant(world, talk_on: dt.date):  # noqa: ANN001, ANN201
    """An application of 2025-03-01, with the organization's talk on `talk_on` (rows written as a
    paper file would be copied in, without the page's checks)."""
    file = recruitment_services.recruitment_create(
        actor=None,
        organization=world.b1,
        name="陈思远",
        id_number=make_id_number(dt.date(1995, 8, 8), "M"),
        education="undergraduate",
        applied_on=dt.date(2025, 3, 1),
    )
    RecruitStep.objects.create(recruitment=file, number=2, date=talk_on)
    return file


def test_rec_001_flags_a_talk_later_than_a_month_after_the_application(world):  # noqa: ANN001
    file = applicant(world, talk_on=dt.date(2025, 4, 2))
    found = findings("REC-001", world.street, *YEAR, today=TODAY)
    assert [(f.organization_id, f.data["code"]) for f in found] == [(world.b1.pk, "REC-TALK")]
    assert "陈思远" in found[0].message and found[0].subjects[0] == f"recruitment.Recruitment:{file.pk}"
    assert found[0].links[0].url() == f"/recruitment/{file.pk}/"


def test_rec_001_passes_a_talk_on_the_last_day_of_the_month(world):  # noqa: ANN001
    applicant(world, talk_on=dt.date(2025, 4, 1))
    assert findings("REC-001", world.street, *YEAR, today=TODAY) == []


def test_rec_003_flags_a_cultivation_gap_longer_than_a_quarter(world):  # noqa: ANN001
    file = applicant(world, talk_on=dt.date(2025, 3, 10))
    RecruitStep.objects.create(recruitment=file, number=3, date=dt.date(2025, 4, 1))
    sponsor = world.members["m1"]
    for day in (dt.date(2025, 4, 10), dt.date(2025, 7, 5)):
        CultivationLog.objects.create(
            recruitment=file, date=day, sponsor=sponsor, content="按时提交思想汇报。"
        )
    assert findings("REC-003", world.street, *YEAR, today=dt.date(2025, 10, 1)) == []
    # By mid-November the last entry (5 July) is more than three months old.
    found = findings("REC-003", world.street, *YEAR, today=dt.date(2025, 11, 15))
    assert [f.data["code"] for f in found] == ["REC-BOOK-GAP"]
    assert findings("REC-001", world.street, *YEAR, today=dt.date(2025, 11, 15)) == []


def test_rec_rules_leave_out_files_of_other_subtrees(world):  # noqa: ANN001
    applicant(world, talk_on=dt.date(2025, 4, 2))
    assert findings("REC-001", world.b3, *YEAR, today=TODAY) == []
    assert len(findings("REC-001", world.b1, *YEAR, today=TODAY)) == 1


@pytest.fixture
def election(world):  # noqa: ANN001, ANN201
    """B1 with 8 full members; an election on 2025-06-01 for 3 seats, 7 of them signed in."""
    for i in range(6):
        MemberFactory(name=f"选民{i}", organization=world.b1)

    def make(attending_reported: int, signed_in: int = 7):  # noqa: ANN202
        e = election_services.election_create(
            actor=None,
            organization=world.b1,
            held_on=dt.date(2025, 6, 1),
            seats=3,
            attending_reported=attending_reported,
        )
        voters = list(e.voters.select_related("member"))
        e = election_services.attendance_set(
            actor=None,
            election=e,
            attended_member_ids={v.member_id for v in voters[:signed_in]},
            version=e.version,
        )
        e = election_services.counts_set(
            actor=None,
            election=e,
            version=e.version,
            ballots_issued=signed_in,
            ballots_returned=signed_in,
            ballots_invalid=0,
        )
        for v, votes in zip(voters[:4], (signed_in, signed_in - 1, signed_in - 2, 1), strict=True):
            election_services.candidate_add(actor=None, election=e, member=v.member, votes_for=votes)
        return e

    return make


def test_elec_002_flags_a_reported_count_that_differs_from_the_list(world, election):  # noqa: ANN001
    e = election(attending_reported=8)
    found = findings("ELEC-002", world.street, *YEAR, today=TODAY)
    assert [(f.organization_id, f.subjects) for f in found] == [
        (world.b1.pk, (f"elections.Election:{e.pk}",))
    ]
    assert "签到" in found[0].message or "实到" in found[0].message
    assert findings("ELEC-001", world.street, *YEAR, today=TODAY) == []


def test_elec_rules_pass_a_valid_election(world, election):  # noqa: ANN001
    election(attending_reported=7)
    assert findings("ELEC-001", world.street, *YEAR, today=TODAY) == []
    assert findings("ELEC-002", world.street, *YEAR, today=TODAY) == []


def test_elec_001_flags_attendance_not_over_four_fifths(world, election):  # noqa: ANN001
    election(attending_reported=6, signed_in=6)  # 6 of 8 is not more than four fifths
    found = findings("ELEC-001", world.street, *YEAR, today=TODAY)
    assert [f.data["codes"] for f in found] == [["ELE-QUORUM"]] and "五分之四" in found[0].message
    assert findings("ELEC-001", world.street, dt.date(2024, 1, 1), dt.date(2024, 12, 31), today=TODAY) == []


def test_election_outcomes_read_in_a_fixed_number_of_queries(world, election):  # noqa: ANN001
    election(attending_reported=8)
    with CaptureQueriesContext(connection) as one:
        findings("ELEC-001", world.street, *YEAR, today=TODAY)
    election(attending_reported=6, signed_in=6)
    election(attending_reported=7)
    with CaptureQueriesContext(connection) as three:
        assert len(findings("ELEC-001", world.street, *YEAR, today=TODAY)) == 1
    assert len(three.captured_queries) == len(one.captured_queries)
