"""Every time rule at its boundary day (the day before, the day, the day after), leap years included."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.recruitment.steps import STEPS
from dangjian.recruitment.timeline import Limits, Timeline, check, probation_end, upcoming

L = Limits()
TODAY = dt.date(2026, 11, 25)
ALL_DOCS = {k for s in STEPS for k in s.documents}


def complete(**changes) -> Timeline:
    """A file that breaks no rule: applicant born 1990, confirmed in 2025."""
    dates = {
        1: dt.date(2021, 3, 1),
        2: dt.date(2021, 3, 20),
        3: dt.date(2021, 9, 1),
        4: dt.date(2021, 9, 10),
        5: dt.date(2021, 9, 10),
        6: dt.date(2021, 9, 15),
        7: dt.date(2022, 9, 1),
        8: dt.date(2022, 9, 5),
        9: dt.date(2022, 9, 5),
        10: dt.date(2022, 10, 10),
        11: dt.date(2022, 11, 1),
        12: dt.date(2023, 3, 1),
        13: dt.date(2023, 3, 20),
        14: dt.date(2023, 3, 25),
        15: dt.date(2023, 4, 1),
        16: dt.date(2023, 4, 20),
        17: dt.date(2023, 6, 1),
        18: dt.date(2023, 6, 10),
        19: dt.date(2023, 6, 10),
        20: dt.date(2023, 7, 1),
        21: dt.date(2023, 7, 1),
        22: dt.date(2024, 3, 1),
        23: dt.date(2024, 4, 1),
        24: dt.date(2024, 5, 10),
        25: dt.date(2024, 5, 20),
    }
    t = Timeline(
        birth_date=dt.date(1990, 5, 1),
        dates=dates,
        documents=set(ALL_DOCS),
        cultivation_dates=[
            dt.date(2021, 11, 20),
            dt.date(2022, 2, 15),
            dt.date(2022, 5, 10),
            dt.date(2022, 8, 1),
        ],
        sponsors=2,
        training_hours=24,
        training_days=3,
        publicity_start=dt.date(2023, 3, 1),
        publicity_end=dt.date(2023, 3, 7),
    )
    for key, value in changes.items():
        if key.startswith("step"):
            t.dates[int(key[4:])] = value
        else:
            setattr(t, key, value)
    return t


def codes(t: Timeline, today: dt.date = TODAY) -> set[str]:
    return {v.code for v in check(t, L, today)}


def test_it_finds_nothing_wrong_in_a_correct_file():
    assert check(complete(), L, TODAY) == []


@pytest.mark.parametrize(
    ("birth", "bad"),
    [(dt.date(2003, 3, 2), True), (dt.date(2003, 3, 1), False), (dt.date(2003, 2, 28), False)],
)
def test_it_checks_the_age_at_application_on_the_birthday(birth, bad):
    assert ("REC-AGE" in codes(complete(birth_date=birth))) is bad


def test_it_treats_a_leap_day_birthday_as_reached_on_the_first_of_march():
    t = complete(birth_date=dt.date(2004, 2, 29), step1=dt.date(2022, 2, 28))
    t.dates[2] = dt.date(2022, 3, 10)
    assert "REC-AGE" in codes(t)
    t.dates[1] = dt.date(2022, 3, 1)
    assert "REC-AGE" not in codes(t)


@pytest.mark.parametrize(
    ("talk", "bad"),
    [(dt.date(2021, 3, 31), False), (dt.date(2021, 4, 1), False), (dt.date(2021, 4, 2), True)],
)
def test_it_wants_the_talk_within_one_month(talk, bad):
    assert ("REC-TALK" in codes(complete(step2=talk))) is bad


@pytest.mark.parametrize(
    ("candidate_on", "bad"),
    [(dt.date(2022, 8, 31), True), (dt.date(2022, 9, 1), False), (dt.date(2022, 9, 2), False)],
)
def test_it_wants_a_full_year_as_activist(candidate_on, bad):
    assert ("REC-ACTIVIST-YEAR" in codes(complete(step7=candidate_on, step8=dt.date(2022, 9, 5)))) is bad


def test_it_counts_the_activist_year_from_a_leap_day():
    t = complete(
        step3=dt.date(2024, 2, 29),
        step4=dt.date(2024, 3, 1),
        step5=dt.date(2024, 3, 1),
        step6=dt.date(2024, 3, 1),
    )
    t.dates.update({k: v for k, v in complete().dates.items() if k < 3})
    t.cultivation_dates = [dt.date(2024, 5, 1), dt.date(2024, 8, 1), dt.date(2024, 11, 1)]
    t.dates[7] = dt.date(2025, 2, 27)
    found = {v.message for v in check(t, L, TODAY) if v.code == "REC-ACTIVIST-YEAR"}
    assert found and "差1天" in found.pop()
    t.dates[7] = dt.date(2025, 2, 28)
    assert not [v for v in check(t, L, TODAY) if v.code == "REC-ACTIVIST-YEAR"]


@pytest.mark.parametrize(
    ("approved", "severity"),
    [
        (dt.date(2023, 7, 1), None),
        (dt.date(2023, 7, 2), "warning"),
        (dt.date(2023, 10, 1), "warning"),
        (dt.date(2023, 10, 2), "error"),
    ],
)
def test_it_wants_approval_within_three_months_and_never_past_six(approved, severity):
    t = complete(step17=approved, step18=approved, step19=approved, step20=approved, step21=approved)
    found = [v.severity for v in check(t, L, TODAY) if v.code == "REC-APPROVAL"]
    assert found == ([severity] if severity else [])


@pytest.mark.parametrize(
    ("meeting", "code"),
    [
        (dt.date(2024, 3, 31), "REC-CONFIRM-EARLY"),
        (dt.date(2024, 4, 1), None),
        (dt.date(2024, 5, 1), None),
        (dt.date(2024, 5, 2), "REC-CONFIRM-LATE"),
    ],
)
def test_it_wants_the_confirmation_meeting_when_probation_ends(meeting, code):
    t = complete(step23=meeting, step24=dt.date(2024, 5, 10))
    found = {v.code for v in check(t, L, TODAY)} & {"REC-CONFIRM-EARLY", "REC-CONFIRM-LATE"}
    assert found == ({code} if code else set())


def test_it_moves_the_probation_end_by_one_extension_of_at_most_a_year():
    t = complete(extensions_months=[6])
    assert probation_end(t, L) == dt.date(2024, 10, 1)
    assert "REC-CONFIRM-EARLY" in codes(t)  # the meeting on 2024-04-01 is now too early
    assert "REC-EXTENSION" in codes(complete(extensions_months=[13]))
    assert "REC-EXTENSION" in codes(complete(extensions_months=[3, 3]))


def test_it_refuses_steps_out_of_order_and_missing_prerequisites():
    t = complete(step10=dt.date(2022, 8, 1))  # political review before the candidate decision
    assert "REC-ORDER" in codes(t)
    t = complete()
    del t.dates[11]
    assert {"REC-ORDER", "REC-BEFORE-MEETING"} <= codes(t)


@pytest.mark.parametrize(("end", "bad"), [(dt.date(2023, 3, 6), True), (dt.date(2023, 3, 7), False)])
def test_it_counts_publicity_in_working_days(end, bad):
    # 2023-03-01 (Wed) .. 03-06 (Mon) is 4 working days; to 03-07 is 5
    assert ("REC-PUBLICITY" in codes(complete(publicity_end=end))) is bad


def test_it_skips_national_holidays_when_counting_publicity():
    # 2023-09-28 .. 10-07: Mid-Autumn and National Day; 10-07 and 10-08 were make-up working days
    t = complete(publicity_start=dt.date(2023, 9, 28), publicity_end=dt.date(2023, 10, 7))
    t.dates.update(
        {
            12: dt.date(2023, 9, 28),
            13: dt.date(2023, 10, 10),
            14: dt.date(2023, 10, 11),
            15: dt.date(2023, 10, 12),
        }
    )
    assert "REC-PUBLICITY" in codes(t)  # only 9-28 and 10-7 are working days (Mon–Fri alone would give 7)


def test_it_flags_short_training_missing_sponsors_and_documents():
    assert "REC-TRAINING" in codes(complete(training_hours=20, training_days=2))
    assert "REC-TRAINING" not in codes(complete(training_hours=None, training_days=3))
    assert "REC-SPONSORS" in codes(complete(sponsors=1))
    docs = set(ALL_DOCS) - {"political_review"}
    found = [v for v in check(complete(documents=docs), L, TODAY) if v.code == "REC-DOCUMENT"]
    assert len(found) == 1 and "政治审查材料" in found[0].message


@pytest.mark.parametrize(
    ("second_entry", "bad"), [(dt.date(2022, 2, 20), False), (dt.date(2022, 2, 21), True)]
)
def test_it_flags_a_gap_in_the_cultivation_book(second_entry, bad):
    t = complete(
        cultivation_dates=[dt.date(2021, 11, 20), second_entry, dt.date(2022, 5, 10), dt.date(2022, 8, 1)]
    )
    assert ("REC-BOOK-GAP" in codes(t)) is bad


def test_it_lists_what_comes_next_and_by_when():
    t = complete()
    for n in range(16, 26):
        t.dates.pop(n)
    soon = upcoming(t, L, dt.date(2023, 4, 2))
    assert [(u.step, u.due) for u in soon] == [(17, dt.date(2023, 7, 1))]
    t.dates.update({16: dt.date(2023, 4, 20), 17: dt.date(2023, 6, 1)})
    soon = upcoming(t, L, dt.date(2023, 6, 2))
    assert [(u.step, u.due) for u in soon] == [(23, dt.date(2024, 4, 1))]
