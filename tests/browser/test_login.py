"""Logging in through the real form in Chromium, at desktop and phone width."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_it_logs_a_persona_in_and_lands_on_the_home_page(page, live_server, world, login):
    """GIVEN a branch secretary WHEN they log in through the form THEN they see their 工作台."""
    login(page, live_server, world.user("branch_secretary"))

    assert page.url == f"{live_server.url}/"
    expect(page.locator("h1")).to_have_text("工作台")
    expect(page.locator("main")).to_contain_text(f"管辖范围：{world.b1.name}")
    expect(page.locator(".who")).to_contain_text("secretary1")


def test_it_rejects_a_wrong_password_and_stays_on_the_login_page(page, live_server, world):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "secretary1")
    page.fill("#id_password", "not-the-password")
    page.click("button[type=submit]")

    expect(page.locator("main")).to_contain_text("用户名或密码错误")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))


def test_it_logs_in_at_phone_width(phone_page, live_server, world, login):
    login(phone_page, live_server, world.user("street_staff"))

    expect(phone_page.locator("h1")).to_have_text("工作台")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the home page scrolls sideways at phone width ({width}px)"
