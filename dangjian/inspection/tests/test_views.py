"""Pages: each with its permission case (another community → 404; inspectors read but do not rectify)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.audit.models import AuditEvent
from dangjian.core.documents import read_paragraphs
from dangjian.core.xlsx import read_rows
from dangjian.inspection.models import Finding, FindingStatus, Inspection, MeasureStatus, RectificationMeasure
from dangjian.inspection.tests.helpers import finish, make_finding, make_measure, make_round
from dangjian.test import make_user


@pytest.fixture
def ledger(world):  # noqa: ANN001, ANN201
    """A street round over C1 and C2 with one finding in each community, one measure each."""
    r = make_round(world)
    f1 = make_finding(world, r, organization=world.c1, title="C1的问题")
    f2 = make_finding(world, r, organization=world.c2, title="C2的问题")
    m1 = make_measure(world, f1, due=timezone.localdate() - dt.timedelta(days=2), owner_name="逾期责任人")
    m2 = make_measure(world, f2, actor=world.user("street_staff"))
    return r, f1, f2, m1, m2


def test_it_lists_rounds_and_shows_the_board(world, client_for, ledger):  # noqa: ANN001
    r, f1, f2, m1, _ = ledger
    page = client_for(world.user("street_staff")).get(reverse("inspection:index"))
    assert page.status_code == 200 and r.name in page.content.decode()
    board = client_for(world.user("street_staff")).get(reverse("inspection:round", args=[r.pk]))
    html = board.content.decode()
    assert board.status_code == 200
    assert "C1的问题" in html and "C2的问题" in html and "逾期责任人" in html
    assert board.context["board"].overdue == 1 and board.context["board"].findings == 2


def test_it_shows_a_community_only_its_own_findings(world, client_for, ledger):  # noqa: ANN001
    r, f1, f2, m1, m2 = ledger
    client = client_for(world.user("community_worker"))
    board = client.get(reverse("inspection:round", args=[r.pk]))
    assert board.status_code == 200
    assert "C1的问题" in board.content.decode() and "C2的问题" not in board.content.decode()
    assert client.get(reverse("inspection:finding", args=[f2.pk])).status_code == 404
    assert client.get(reverse("inspection:measure_edit", args=[m2.pk])).status_code == 404
    assert (
        client.post(
            reverse("inspection:measure_transition", args=[m2.pk]), {f"m{m2.pk}-to": "in_progress"}
        ).status_code
        == 404
    )
    texts = [t for _, t in read_paragraphs(client.get(reverse("inspection:notice", args=[r.pk])).content)]
    assert any("C1的问题" in t for t in texts) and not any("C2的问题" in t for t in texts)


def test_it_hides_rounds_of_other_subtrees(world, client_for):  # noqa: ANN001
    r = make_round(world, organization=world.c2, inspected=[world.c2])
    for user in ("community_worker", "inspector", "branch_secretary"):
        client = client_for(world.user(user))
        assert client.get(reverse("inspection:round", args=[r.pk])).status_code == 404
        assert client.get(reverse("inspection:notice", args=[r.pk])).status_code == 404
        assert client.get(reverse("inspection:ledger", args=[r.pk])).status_code == 404
    assert client_for(world.user("member")).get(reverse("inspection:index")).status_code == 404


def test_it_lets_a_community_worker_work_on_measures(world, client_for, ledger):  # noqa: ANN001
    r, f1, f2, m1, m2 = ledger
    client = client_for(world.user("community_worker"))
    page = client.get(reverse("inspection:finding", args=[f1.pk]))
    assert page.status_code == 200 and page.context["may_rectify"] and not page.context["may_accept"]
    response = client.post(
        reverse("inspection:measure_transition", args=[m1.pk]),
        {f"m{m1.pk}-to": "done", f"m{m1.pk}-note": "已建立档案管理制度", "version": m1.version},
    )
    assert response.status_code == 302
    m1.refresh_from_db()
    assert m1.status == MeasureStatus.DONE
    response = client.post(reverse("inspection:measure_progress", args=[m1.pk]), {"note": "补充材料"})
    assert response.status_code == 302 and m1.progress.filter(note="补充材料").exists()
    response = client.post(
        reverse("inspection:measure_create", args=[f1.pk]),
        {"text": "新措施", "owner_name": "张三", "owner_unit": "第一党支部", "due": "2030-01-01"},
    )
    assert response.status_code == 302 and f1.measures.count() == 2
    # a community worker cannot accept (not a superior)
    client.post(reverse("inspection:accept", args=[f1.pk]), {"comment": "同意"})
    f1.refresh_from_db()
    assert f1.status == FindingStatus.OPEN


def test_it_keeps_inspectors_read_only_on_measures(world, client_for, ledger):  # noqa: ANN001
    r, f1, f2, m1, m2 = ledger
    client = client_for(world.user("inspector"))
    page = client.get(reverse("inspection:finding", args=[f1.pk]))
    assert page.status_code == 200 and not page.context["may_rectify"] and page.context["may_file"]
    assert (
        client.post(
            reverse("inspection:measure_transition", args=[m1.pk]), {f"m{m1.pk}-to": "in_progress"}
        ).status_code
        == 403
    )
    assert client.post(reverse("inspection:measure_progress", args=[m1.pk]), {"note": "x"}).status_code == 403
    assert client.get(reverse("inspection:measure_create", args=[f1.pk])).status_code == 403
    assert client.get(reverse("inspection:measure_edit", args=[m1.pk])).status_code == 403
    m1.refresh_from_db()
    assert m1.status == MeasureStatus.NOT_STARTED and m1.progress.count() == 1
    board = client.get(reverse("inspection:round", args=[r.pk]))
    assert board.context["can_file"] and not board.context["can_manage"]
    # but may file findings in the inspected subtree
    response = client.post(
        reverse("inspection:finding_create_loose"),
        {
            "organization": world.b1.pk,
            "source": "look_back",
            "aspect": "基层党建",
            "title": "回头看发现的问题",
            "severity": "general",
            "found_on": str(timezone.localdate()),
        },
    )
    assert response.status_code == 302
    assert Finding.objects.filter(
        title="回头看发现的问题", organization=world.b1, source="look_back"
    ).exists()


def test_it_accepts_through_the_page(world, client_for, ledger):  # noqa: ANN001
    r, f1, *_ = ledger
    for m in f1.measures.all():
        finish(world, m)
    client = client_for(world.user("street_staff"))
    assert client.get(reverse("inspection:finding", args=[f1.pk])).context["all_done"]
    assert client.post(reverse("inspection:accept", args=[f1.pk]), {"comment": "同意销号"}).status_code == 302
    f1.refresh_from_db()
    assert f1.status == FindingStatus.CLOSED


def test_it_creates_and_edits_a_round(world, client_for):  # noqa: ANN001
    client = client_for(world.user("street_staff"))
    response = client.post(
        reverse("inspection:round_create"),
        {
            "name": "第九轮巡察",
            "committee": "区委",
            "team": "区委第三巡察组",
            "organization": world.street.pk,
            "inspected": [world.c1.pk],
            "onsite_from": "2024-04-01",
            "onsite_to": "2024-03-01",
        },
    )
    assert response.status_code == 200 and "onsite_to" in response.context["form"].errors
    assert not Inspection.objects.exists()
    response = client.post(
        reverse("inspection:round_create"),
        {
            "name": "第九轮巡察",
            "committee": "区委",
            "team": "区委第三巡察组",
            "organization": world.street.pk,
            "inspected": [world.c1.pk],
            "onsite_from": "2024-04-01",
            "onsite_to": "2024-06-01",
            "feedback_on": "2024-07-01",
        },
    )
    r = Inspection.objects.get()
    assert response.status_code == 302 and r.plan_due == dt.date(2024, 7, 31)
    assert (
        client_for(world.user("community_worker"))
        .get(reverse("inspection:round_edit", args=[r.pk]))
        .status_code
        == 404
    )
    assert (
        client_for(world.user("community_worker")).get(reverse("inspection:round_create")).status_code == 403
    )


def test_it_imports_findings_all_or_nothing(world, client_for):  # noqa: ANN001
    from dangjian.core.xlsx import Sheet, workbook_bytes

    r = make_round(world)
    client = client_for(world.user("street_staff"))
    headers = ["问题序号", "被巡察党组织", "问题方面", "问题", "具体表现", "严重程度"]

    def upload(rows):  # noqa: ANN001, ANN202
        data = workbook_bytes([Sheet(title="问题清单", headers=headers, rows=rows)])
        f = io.BytesIO(data)
        f.name = "问题.xlsx"
        return client.post(reverse("inspection:import", args=[r.pk]), {"action": "preview", "file": f})

    bad = upload(
        [
            ["1", world.c1.name, "方面一", "问题甲", "", "一般"],
            ["2", "不存在的党组织", "方面一", "问题乙", "", "一般"],
            ["3", world.c2.code, "", "问题丙", "", "很严重"],
        ]
    )
    assert bad.status_code == 400
    errors = bad.context["errors"]
    assert (3, "问题所在党组织", "“不存在的党组织”不是本轮被巡察党组织或不在您的管辖范围内") in errors
    assert any(e[0] == 4 and e[1] == "问题方面" for e in errors) and any(
        e[0] == 4 and e[1] == "严重程度" for e in errors
    )
    assert not Finding.objects.exists()
    good = upload(
        [
            ["1", world.c1.name, "方面一", "问题甲", "描述", "严重"],
            ["", world.c2.code, "方面二", "问题乙", "", ""],
        ]
    )
    assert good.status_code == 200 and len(good.context["preview"]) == 2
    assert not Finding.objects.exists()  # preview writes nothing
    done = client.post(
        reverse("inspection:import", args=[r.pk]), {"action": "commit", "token": good.context["token"]}
    )
    assert done.status_code == 302
    assert list(
        Finding.objects.order_by("number").values_list("number", "title", "severity", "organization")
    ) == [(1, "问题甲", "serious", world.c1.pk), (2, "问题乙", "general", world.c2.pk)]
    assert Finding.history.count() == 2
    assert AuditEvent.objects.filter(event_type="import", object_id=str(r.pk)).exists()
    # the token is single-use
    again = client.post(
        reverse("inspection:import", args=[r.pk]), {"action": "commit", "token": good.context["token"]}
    )
    assert again.status_code == 302 and Finding.objects.count() == 2
    # other subtree: 404
    assert (
        client_for(world.user("community_worker")).get(reverse("inspection:import", args=[r.pk])).status_code
        == 404
    )


def test_it_rejects_a_file_that_is_no_spreadsheet(world, client_for):  # noqa: ANN001
    r = make_round(world)
    f = io.BytesIO(b"not a spreadsheet")
    f.name = "x.xlsx"
    response = client_for(world.user("street_staff")).post(
        reverse("inspection:import", args=[r.pk]), {"action": "preview", "file": f}
    )
    assert response.status_code == 400 and response.context["form"].errors["file"]


def test_it_uploads_and_serves_evidence_as_a_scoped_attachment(world, client_for, ledger, settings, tmp_path):  # noqa: ANN001
    settings.MEDIA_ROOT = tmp_path
    r, f1, f2, m1, m2 = ledger
    client = client_for(world.user("community_worker"))
    pdf = io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF")
    pdf.name = "../../整改照片.pdf"
    assert (
        client.post(
            reverse("inspection:measure_evidence", args=[m1.pk]), {"file": pdf, "description": "会议记录"}
        ).status_code
        == 302
    )
    evidence = m1.evidence.get()
    assert evidence.original_name == "整改照片.pdf" and evidence.content_type == "application/pdf"
    assert "整改照片" not in evidence.file.name and evidence.file.name.endswith(".pdf")
    response = client.get(reverse("inspection:evidence", args=[evidence.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    # a script disguised as a PDF is refused by content
    fake = io.BytesIO(b"<script>alert(1)</script>")
    fake.name = "a.pdf"
    client.post(reverse("inspection:measure_evidence", args=[m1.pk]), {"file": fake})
    assert m1.evidence.count() == 1
    # street staff above see it; a branch below the finding's community and another community do not (404)
    assert (
        client_for(world.user("street_staff"))
        .get(reverse("inspection:evidence", args=[evidence.pk]))
        .status_code
        == 200
    )
    assert (
        client_for(world.user("branch_secretary"))
        .get(reverse("inspection:evidence", args=[evidence.pk]))
        .status_code
        == 404
    )
    assert (
        client_for(make_user("community_worker", world.c2, username="w2"))
        .get(reverse("inspection:evidence", args=[evidence.pk]))
        .status_code
        == 404
    )


def test_it_downloads_the_documents_with_an_audit_row(world, client_for, ledger):  # noqa: ANN001
    r, *_ = ledger
    client = client_for(world.user("street_staff"))
    for name in ("notice", "plan", "ledger"):
        response = client.get(reverse(f"inspection:{name}", args=[r.pk]))
        assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    rows = read_rows(io.BytesIO(client.get(reverse("inspection:ledger", args=[r.pk])).content), sheet=1)
    assert [row[2] for row in rows[2:]] == ["C1的问题", "C2的问题"]
    assert AuditEvent.objects.filter(event_type="export", object_id=str(r.pk)).count() == 4


def test_it_shows_supervision_and_the_home_card(world, client_for, ledger):  # noqa: ANN001
    client = client_for(world.user("community_worker"))
    page = client.get(reverse("inspection:supervision"))
    assert page.status_code == 200
    assert [(o.owner_name, o.overdue) for o in page.context["owners"]] == [("逾期责任人", 1)]
    home = client.get(reverse("core:home"))
    assert "巡察整改" in home.content.decode() and "逾期措施" in home.content.decode()
    assert (
        client_for(make_user("community_worker", world.c2, username="w2"))
        .get(reverse("inspection:supervision"))
        .context["owners"]
        == []
    )


def test_it_proposes_and_confirms_links_on_the_lookback_page(world, client_for):  # noqa: ANN001
    today = timezone.localdate()
    r1 = make_round(
        world,
        name="第五轮",
        onsite_from=today - dt.timedelta(days=900),
        onsite_to=today - dt.timedelta(days=850),
        feedback_on=today - dt.timedelta(days=800),
    )
    old = make_finding(
        world,
        r1,
        title="党建档案管理不规范",
        description="三会一课记录不完整",
        found_on=today - dt.timedelta(days=800),
    )
    r2 = make_round(world, name="第八轮")
    new = make_finding(world, r2, title="党建档案不规范", description="三会一课记录不完整、前后不一致")
    client = client_for(world.user("street_staff"))
    page = client.get(reverse("inspection:lookback", args=[r2.pk]))
    assert [(row.finding.pk, [f.pk for f, _ in row.proposals]) for row in page.context["rows"]] == [
        (new.pk, [old.pk])
    ]
    assert (
        client_for(world.user("community_worker"))
        .post(reverse("inspection:finding_link", args=[new.pk]), {"earlier": old.pk})
        .status_code
        == 404
    )
    client = client_for(world.user("street_staff"))  # the test client is shared: log back in
    client.post(reverse("inspection:finding_link", args=[new.pk]), {"earlier": old.pk, "next": "lookback"})
    new.refresh_from_db()
    assert new.repeats_id == old.pk
    page = client.get(reverse("inspection:round", args=[r2.pk]))
    assert "重复发生·第2次" in page.content.decode()


def test_it_runs_a_fixed_number_of_queries_on_the_board(world, client_for, django_assert_max_num_queries):  # noqa: ANN001
    r = make_round(world)
    client = client_for(world.user("street_staff"))

    def add(n):  # noqa: ANN001, ANN202
        for i in range(n):
            f = make_finding(world, r, title=f"问题{i}")
            make_measure(world, f)

    add(2)
    client.get(reverse("inspection:round", args=[r.pk]))
    with django_assert_max_num_queries(25) as small:
        client.get(reverse("inspection:round", args=[r.pk]))
    add(15)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("inspection:round", args=[r.pk]))
    assert RectificationMeasure.objects.count() == 17
