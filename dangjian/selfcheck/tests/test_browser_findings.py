"""The self-check findings page in a real browser: a street's staff start a run through the form, watch
its progress bar while it goes in the background (HTMX polling), see the page reload itself with the
findings grouped by organization when it is done, and send one finding to the rectification ledger;
at phone width the findings page fits the screen and has no script error."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from dangjian.inspection.models import Finding as LedgerFinding
from dangjian.inspection.models import FindingSource
from dangjian.selfcheck import services
from dangjian.selfcheck.models import Run, RunFinding, RunStatus
from dangjian.selfcheck.tests.conftest import HELD, HELD_TITLE

pytestmark = pytest.mark.browser


def script_errors(page):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


def test_a_street_runs_the_self_check_watches_its_progress_and_sends_a_finding_to_the_ledger(
    page, live_server, world, login, background_runs, held_rule
):
    """GIVEN the street's staff, and runs executing in a background thread held by the held rule
    WHEN they start a self-check of 2024 with ORG-001 and the held rule through the form
    THEN the run page shows the progress bar, polled while the run goes, and no findings yet;
    WHEN the held rule lets go
    THEN the page reloads by itself with the findings grouped by organization;
    WHEN they open 第一党支部's finding and send it to the rectification ledger (confirming the prompt)
    THEN the page confirms it and the ledger holds exactly one self-check finding of 第一党支部."""
    errors = script_errors(page)
    login(page, live_server, world.user("street_staff"))
    page.goto(f"{live_server.url}{reverse('selfcheck:index')}")
    expect(page.locator("h1")).to_have_text("自查体检")
    page.fill("#id_period_start", "2024-01-01")
    page.fill("#id_period_end", "2024-12-31")
    page.locator(".rule-picker summary").click()
    page.get_by_label("ORG-001 党支部正式党员不足3名", exact=True).check()
    page.get_by_label(f"{HELD} {HELD_TITLE}", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="开始检查").click()

    run = Run.objects.get()
    assert (run.organization, run.rules) == (world.street, ["ORG-001", HELD])
    expect(page).to_have_url(f"{live_server.url}{reverse('selfcheck:run', args=[run.pk])}")
    bar = page.locator("#run-progress")
    expect(bar).to_contain_text(f"正在检查：{HELD}")  # the second of two rules: 45%
    expect(bar.locator("progress")).to_have_attribute("value", "45")
    expect(bar).to_contain_text("页面会自动刷新")
    # The bar asks the server again while the run goes, and the answer does not reload the page.
    poll = page.wait_for_event(
        "response",
        lambda r: (
            r.url.endswith(reverse("selfcheck:progress", args=[run.pk]))
            and r.request.headers.get("hx-request") == "true"
        ),
    )
    assert poll.ok and "hx-refresh" not in poll.headers
    expect(page.locator(".finding-group")).to_have_count(0)
    assert Run.objects.get(pk=run.pk).status == RunStatus.RUNNING

    held_rule.set()

    # No navigation by the test: the poll that sees the run done makes the page reload itself.
    groups = page.locator(".finding-group")
    expect(groups).to_have_count(3, timeout=20_000)
    expect(page.locator("#run-progress")).to_have_count(0)
    expect(groups.locator("h2")).to_have_text(["第一党支部", "第二党支部", "唱经楼第一党支部"])
    expect(page.locator("main")).to_contain_text("共 3 个问题")
    b1 = groups.filter(has=page.get_by_role("heading", name="第一党支部", exact=True))
    expect(b1.locator("h3")).to_have_text("ORG-001 党支部正式党员不足3名")

    b1.get_by_role("link", name=re.compile("正式党员2名")).click()
    expect(page.locator("h1")).to_have_text("党支部正式党员不足3名")
    expect(page.locator("dl.facts")).to_contain_text("第一党支部")
    prompts: list[str] = []

    def accept(dialog):
        prompts.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    with page.expect_navigation():
        page.get_by_role("button", name="移交整改台账").click()

    assert prompts == ["将此问题移交整改台账？"]
    expect(page.locator(".messages")).to_contain_text(
        re.compile(r"已移交整改台账（问题编号\d+），请制定整改措施")
    )
    expect(page.locator("main .card")).to_contain_text("移交整改台账（查看）")
    expect(page.get_by_role("button", name="移交整改台账")).to_have_count(0)
    ledger = LedgerFinding.objects.get(source=FindingSource.SELF_CHECK, organization=world.b1)
    assert LedgerFinding.objects.count() == 1
    sent = RunFinding.objects.get(run=run, organization=world.b1)
    assert sent.ledger_finding == ledger and sent.sent_by == world.user("street_staff")

    page.get_by_role("link", name="← 返回自查结果").click()
    expect(b1).to_contain_text("已移交台账")
    assert errors == []


def test_the_findings_page_fits_a_phone_with_no_script_error(phone_page, live_server, world, login):
    """GIVEN a finished street-wide run of every rule over 2024
    WHEN the street's staff open its findings, and one finding, on a 375px phone
    THEN the findings are grouped by organization, neither page scrolls sideways and no script fails."""
    user = world.user("street_staff")
    run = services.run_create(
        actor=user,
        organization=world.street,
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
    )
    run = services.run_execute(run.pk)
    assert run.status == RunStatus.DONE and run.total > 0
    errors = script_errors(phone_page)

    page = login(phone_page, live_server, user)
    page.goto(f"{live_server.url}{reverse('selfcheck:run', args=[run.pk])}")
    expect(page.locator(".finding-group").first).to_be_visible()
    expect(page.locator(".finding-group h2")).to_contain_text(["第一党支部"])
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[1] == 375 and width[0] <= width[1], f"the findings page scrolls sideways ({width})"

    page.locator(".finding-group ul.findings a").first.click()
    expect(page.get_by_role("button", name="移交整改台账")).to_be_visible()
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"a finding's page scrolls sideways at phone width ({width})"
    assert errors == []
