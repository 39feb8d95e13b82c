"""The home page lists the scope's recruitment steps due in the next 30 days and the committee terms
ending soon (issue: due dates shown ahead), and nothing of another subtree."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.lib.periods import add_years
from dangjian.orgs.models import Committee
from dangjian.recruitment import services
from dangjian.test import make_id_number


@pytest.mark.django_db
def test_the_home_page_shows_steps_and_terms_falling_due(world, client_for):  # noqa: ANN001
    today = timezone.localdate()
    services.recruitment_create(
        actor=world.user("branch_secretary"),
        organization=world.b1,
        name="陈思远",
        id_number=make_id_number(dt.date(1995, 8, 8), "M"),
        education="undergraduate",
        applied_on=today - dt.timedelta(days=10),  # the talk (step 2) is due within the month
    )
    Committee.objects.create(
        organization=world.b1, elected_on=add_years(today, -3) + dt.timedelta(days=40), term_years=3
    )
    Committee.objects.create(
        organization=world.b3, elected_on=add_years(today, -3) + dt.timedelta(days=40), term_years=3
    )

    page = client_for(world.user("community_worker")).get("/").content.decode()
    assert "发展党员到期事项" in page and "陈思远" in page
    assert "换届提醒" in page and world.b1.name in page
    assert world.b3.name not in page  # B3 belongs to another community

    other = client_for(world.user("branch_secretary")).get("/").content.decode()
    assert "陈思远" in other
