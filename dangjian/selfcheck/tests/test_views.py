"""The self-check pages: start a run for the user's scope, progress polled by HTMX, findings grouped
with filters, drill-down, sending a finding to the rectification ledger, the side-by-side texts;
every page 404 outside the user's subtree."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.urls import reverse

from dangjian.accounts.roles import Role
from dangjian.audit.models import AuditEvent, EventType
from dangjian.inspection.models import Finding as LedgerFinding
from dangjian.inspection.models import FindingSource
from dangjian.life.models import ActivityKind
from dangjian.selfcheck import services
from dangjian.selfcheck.models import Run, RunFinding, RunStatus
from dangjian.selfcheck.tests import corpus
from dangjian.selfcheck.tests.helpers import activity
from dangjian.test import make_user

pytestmark = pytest.mark.django_db


def done_run(world, user_key="street_staff", root=None, rules=("ORG-001",)):  # noqa: ANN001, ANN201
    user = world.user(user_key)
    r = services.run_create(
        actor=user,
        organization=root or user.organization,
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
        rules=list(rules),
    )
    return services.run_execute(r.pk)


def test_it_starts_a_run_for_the_users_scope_and_shows_the_findings(world, client_for):  # noqa: ANN001
    client = client_for(world.user("community_worker"))
    page = client.get(reverse("selfcheck:index"))
    assert page.status_code == 200 and "开始检查" in page.content.decode()
    response = client.post(
        reverse("selfcheck:start"),
        {"period_start": "2024-01-01", "period_end": "2024-12-31", "rules": ["ORG-001", "ORG-006"]},
    )
    run = Run.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("selfcheck:run", args=[run.pk])
    assert run.organization == world.c1 and run.status == RunStatus.DONE  # tests run inline
    html = client.get(response["Location"]).content.decode()
    assert "第一党支部" in html and "第二党支部" in html and "唱经楼" not in html
    assert "正式党员2名，不足3名" in html


def test_it_refuses_a_bad_period_with_a_message_and_no_run(world, client_for):  # noqa: ANN001
    client = client_for(world.user("street_staff"))
    response = client.post(
        reverse("selfcheck:start"), {"period_start": "2024-12-31", "period_end": "2024-01-01"}
    )
    assert response.status_code == 400 and "截止日期不能早于起始日期" in response.content.decode()
    assert not Run.objects.exists()


def test_it_polls_progress_and_reloads_when_done(world, client_for):  # noqa: ANN001
    client = client_for(world.user("street_staff"))
    run = services.run_create(
        actor=world.user("street_staff"),
        organization=world.street,
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
    )
    Run.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, progress=40, message="正在检查：ORG-001")
    page = client.get(reverse("selfcheck:run", args=[run.pk])).content.decode()
    assert f'hx-get="/selfcheck/runs/{run.pk}/progress/"' in page and 'hx-trigger="every 1s"' in page
    assert 'value="40"' in page and "<script>" not in page
    partial = client.get(reverse("selfcheck:progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in partial and "正在检查：ORG-001" in partial.content.decode()
    Run.objects.filter(pk=run.pk).update(status=RunStatus.PENDING)
    services.run_execute(run.pk)
    partial = client.get(reverse("selfcheck:progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert partial["HX-Refresh"] == "true" and "hx-get" not in partial.content.decode()


def test_it_filters_findings_by_rule_severity_organization_and_state(world, client_for):  # noqa: ANN001
    run = done_run(world, rules=("ORG-001", "ORG-006"))
    client = client_for(world.user("street_staff"))
    url = reverse("selfcheck:run", args=[run.pk])
    html = client.get(url, {"rule": "ORG-001"}).content.decode()
    assert "正式党员" in html and "未录入本届委员会或书记</a>" not in html
    html = client.get(url, {"severity": "warning"}).content.decode()
    assert "没有发现问题" in html
    html = client.get(url, {"org": world.c2.pk}).content.decode()
    headings = [f'<h2><a href="/orgs/{o.pk}/">' for o in (world.c2, world.b3, world.b1)]
    assert headings[0] in html and headings[1] in html and headings[2] not in html
    html = client.get(url, {"state": "persisting"}).content.decode()
    assert "没有发现问题" in html


def test_it_sends_a_finding_to_the_rectification_ledger_once(world, client_for):  # noqa: ANN001
    run = done_run(world)
    finding = RunFinding.objects.filter(run=run, organization=world.b1).get()
    client = client_for(world.user("street_staff"))
    detail = client.get(reverse("selfcheck:finding", args=[finding.pk])).content.decode()
    assert "移交整改台账" in detail and "支部工作条例" in detail
    response = client.post(reverse("selfcheck:send", args=[finding.pk]))
    assert response.status_code == 302
    ledger = LedgerFinding.objects.get()
    assert ledger.source == FindingSource.SELF_CHECK and ledger.organization == world.b1
    assert ledger.inspection is None and "正式党员2名" in ledger.description and ledger.severity == "serious"
    finding.refresh_from_db()
    assert finding.ledger_finding == ledger and finding.sent_by == world.user("street_staff")
    again = client.post(reverse("selfcheck:send", args=[finding.pk]), follow=True)
    assert "已移交整改台账" in again.content.decode() and LedgerFinding.objects.count() == 1


def test_it_lets_only_roles_that_file_findings_send_them(world, client_for):  # noqa: ANN001
    run = done_run(world, "community_worker")
    finding = RunFinding.objects.filter(run=run).first()
    client = client_for(world.user("community_worker"))
    assert (
        "移交整改台账</button>"
        not in client.get(reverse("selfcheck:finding", args=[finding.pk])).content.decode()
    )
    assert client.post(reverse("selfcheck:send", args=[finding.pk])).status_code == 403
    assert not LedgerFinding.objects.exists()


def test_it_hides_runs_and_findings_of_other_subtrees(world, client_for):  # noqa: ANN001
    run = done_run(world)  # street-wide
    c2_user = make_user(Role.COMMUNITY_WORKER, world.c2, "worker2")
    client = client_for(c2_user)
    assert client.get(reverse("selfcheck:run", args=[run.pk])).status_code == 404
    b1_finding = RunFinding.objects.get(run=run, organization=world.b1)
    assert client.get(reverse("selfcheck:finding", args=[b1_finding.pk])).status_code == 404
    assert client.post(reverse("selfcheck:send", args=[b1_finding.pk])).status_code == 404
    assert client.get(reverse("selfcheck:export", args=[run.pk, "xlsx"])).status_code == 404
    assert client.get(reverse("selfcheck:index")).status_code == 200
    member = client_for(world.user("member"))
    assert member.get(reverse("selfcheck:index")).status_code == 404


def test_it_shows_two_copied_texts_with_shared_passages_escaped(world, client_for):  # noqa: ANN001
    text = corpus.text(random.Random(9)) + "<script>alert(1)</script>"
    a = activity(world.b1, ActivityKind.THEMED_DAY, dt.date(2024, 5, 1), text)
    b = activity(world.b2, ActivityKind.THEMED_DAY, dt.date(2024, 6, 1), corpus.change_names_and_dates(text))
    client = client_for(world.user("community_worker"))
    url = reverse("selfcheck:compare", args=["activity", a.pk, "activity", b.pk])
    html = client.get(url).content.decode()
    assert html.count("<mark>") >= 2 and "相似度 <b>" in html
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script" in html
    b3 = activity(world.b3, ActivityKind.THEMED_DAY, dt.date(2024, 6, 1), text)
    assert (
        client.get(reverse("selfcheck:compare", args=["activity", a.pk, "activity", b3.pk])).status_code
        == 404
    )
    assert client.get(reverse("selfcheck:compare", args=["nope", a.pk, "activity", b.pk])).status_code == 404


def test_it_exports_the_findings_and_audits_the_export(world, client_for):  # noqa: ANN001
    run = done_run(world)
    client = client_for(world.user("street_staff"))
    xlsx = client.get(reverse("selfcheck:export", args=[run.pk, "xlsx"]))
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    docx = client.get(reverse("selfcheck:export", args=[run.pk, "docx"]))
    assert docx.status_code == 200 and "attachment" in docx["Content-Disposition"]
    assert client.get(reverse("selfcheck:export", args=[run.pk, "pdf"])).status_code == 404
    assert AuditEvent.objects.filter(event_type=EventType.EXPORT, object_type="selfcheck.Run").count() == 2


def test_it_shows_the_last_run_on_the_home_page(world, client_for):  # noqa: ANN001
    client = client_for(world.user("street_staff"))
    assert "开始自查" in client.get("/").content.decode()
    done_run(world)
    assert "发现问题<b>3</b>个" in client.get("/").content.decode()
