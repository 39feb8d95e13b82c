"""A branch secretary records a committee meeting with attendance on a phone-sized page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dangjian.life.models import Activity, ActivityKind

pytestmark = pytest.mark.browser


def test_it_records_a_committee_meeting_with_attendance_at_phone_width(phone_page, live_server, world, login, b1_committee):
    """GIVEN the secretary of B1 (committee: 张建国, 李秀英, 王红) on a 375px phone
    WHEN they pick 支委会, fill the place, host, recorder and topic, untick 王红 with 病假 and save
    THEN the meeting is stored with 3 expected, 2 attended, and the page shows the counts."""
    page = login(phone_page, live_server, world.user("branch_secretary"))
    page.goto(f"{live_server.url}/life/orgs/{world.b1.pk}/record/?kind=committee_meeting")
    expect(page.locator("h1")).to_have_text("记录支委会")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "the recording page scrolls sideways"

    rows = page.locator(".att-row")
    expect(rows).to_have_count(3)
    for name in ("张建国", "李秀英", "王红"):
        expect(page.locator(".att-list")).to_contain_text(name)
    expect(page.locator("input[name=attended]:checked")).to_have_count(3)

    # Changing the date reloads the expected list through HTMX: before the committee, nobody.
    page.fill("input[name=date]", "2019-12-31")
    page.locator("input[name=date]").dispatch_event("change")
    expect(page.locator("#attendance")).to_contain_text("应到 0 人")
    day = timezone.localdate() - dt.timedelta(days=1)
    page.fill("input[name=date]", day.isoformat())
    page.locator("input[name=date]").dispatch_event("change")
    expect(page.locator(".att-row")).to_have_count(3)

    page.fill("input[name=start_time]", "19:00")
    page.fill("input[name=place]", "社区党群服务中心二楼会议室")
    page.select_option("select[name=host]", label="张建国")
    page.select_option("select[name=recorder]", label="李秀英")
    page.fill("input[name=topic]", "研究本月主题党日活动安排")

    wang = page.locator(".att-row", has_text="王红")
    reason = wang.locator("select")
    expect(reason).to_be_hidden()  # only an unticked member asks for a reason
    wang.locator("input[type=checkbox]").uncheck()
    expect(reason).to_be_visible()
    reason.select_option(label="病假")
    wang.locator("input[type=text]").fill("住院")

    minutes = page.locator("textarea[name=minutes]")
    expect(minutes).to_have_value(re.compile("议程"))  # prefilled with the committee meeting's template
    minutes.fill(
        "会议研究了本月主题党日活动安排，确定以重温入党誓词和楼道环境整治为主要内容。张建国同志提出要提前通知"
        "行动不便的老党员，由结对党员上门送学；李秀英同志建议联系共建单位共同参加。会议决定：主题党日定于本月"
        "十五日上午举行，由李秀英同志负责通知和签到，活动后将情况报社区党委。"
    )
    page.get_by_role("button", name="保存记录").click()

    expect(page.locator("h1")).to_have_text(re.compile("支委会"))
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("3人")
    expect(facts).to_contain_text("2人")
    expect(page.locator("main")).to_contain_text("住院")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "the meeting page scrolls sideways"

    activity = Activity.objects.get()
    assert activity.kind == ActivityKind.COMMITTEE_MEETING and activity.date == day
    absent = activity.attendances.get(attended=False)
    assert (absent.member.name, absent.absence_reason, absent.absence_note) == ("王红", "sick", "住院")
    assert activity.attendances.filter(attended=True).count() == 2
