"""The dashboard in a real browser: every chart drawn by the vendored ECharts (no CDN), no script
error, and the page usable at phone width."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_dashboard_draws_every_chart_with_no_script_error(phone_page, live_server, world, login):  # noqa: ANN001
    errors: list[str] = []
    phone_page.on("pageerror", lambda exc: errors.append(str(exc)))
    phone_page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    outside: list[str] = []
    phone_page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)

    page = login(phone_page, live_server, world.user("street_staff"))
    page.goto(f"{live_server.url}/reports/")
    charts = page.locator("[data-chart]")
    assert charts.count() >= 6  # members by category, status, gender, age, education; organizations
    expect(page.locator("[data-chart][data-drawn='1']")).to_have_count(charts.count())
    for i in range(charts.count()):
        expect(charts.nth(i).locator("svg")).to_have_count(1)
    # the members of the small world appear in the gender chart's data table
    expect(page.locator("main")).to_contain_text("女")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "the dashboard scrolls sideways"
    assert errors == []
    assert outside == []  # everything from our own server: no CDN
