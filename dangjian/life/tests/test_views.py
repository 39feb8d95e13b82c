"""The recording page, the activity page, edits, attachments, the per-member view, the ledger export
and the home card; each with its permission cases (another subtree is 404)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dangjian.audit.models import AuditEvent
from dangjian.core.xlsx import read_rows
from dangjian.life.models import Activity, ActivityKind, Attachment
from dangjian.life.services import activity_create
from dangjian.life.tests.conftest import LONG_MINUTES, activity_input
from dangjian.test import MemberFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def _docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def _post_data(world, **extra):  # noqa: ANN001, ANN003, ANN202
    m1, m2 = world.members["m1"], world.members["m2"]
    data = {
        "kind": "general_meeting",
        "date": "2024-03-15",
        "start_time": "09:00",
        "place": "党群服务中心",
        "host": str(m1.pk),
        "recorder": str(m2.pk),
        "topic": "学习二十大精神",
        "minutes": LONG_MINUTES,
        "resolutions": "",
        "guests": "王明 区委组织部\n李芳，共建单位",
        "expected": [str(m1.pk), str(m2.pk)],
        "attended": [str(m1.pk)],
        f"reason_{m2.pk}": "mobility",
        f"note_{m2.pk}": "",
    }
    data.update(extra)
    return data


def _activity(world, **kw):  # noqa: ANN001, ANN003, ANN202
    m1, m2 = world.members["m1"], world.members["m2"]
    data = activity_input(host=m1.pk, recorder=m2.pk, attended={m1.pk, m2.pk}, **kw)
    return activity_create(actor=world.user("street_staff"), organization=world.b1, data=data)


def test_it_shows_the_recording_page_with_the_expected_list_and_the_kinds_template(world, client_for):
    client = client_for(world.user("branch_secretary"))
    response = client.get(reverse("life:record", args=[world.b1.pk]) + "?kind=life_meeting")
    html = response.content.decode()
    assert response.status_code == 200
    assert "批评与自我批评" in html and "对照检查" in html  # the life meeting's template
    assert html.count('name="attended"') == 2 and html.count("checked") >= 2
    assert "张建国" in html and "李秀英" in html and "王志强" not in html
    assert client.get(reverse("life:record", args=[world.b3.pk])).status_code == 404
    inspector = client_for(world.user("inspector"))
    assert inspector.get(reverse("life:record", args=[world.b1.pk])).status_code == 404


def test_it_records_a_meeting_with_attendance_from_the_form(world, client_for):
    client = client_for(world.user("branch_secretary"))
    response = client.post(reverse("life:record", args=[world.b1.pk]), _post_data(world))
    a = Activity.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("life:activity", args=[a.pk])
    absent = a.attendances.get(attended=False)
    assert (absent.member, absent.absence_reason) == (world.members["m2"], "mobility")
    assert [(g.name, g.unit) for g in a.guests.all()] == [("王明", "区委组织部"), ("李芳", "共建单位")]
    page = client.get(response["Location"]).content.decode()
    assert "应到</dt><dd>2人" in page and "实到</dt><dd>1人" in page and "列席</dt><dd>2人" in page


def test_it_shows_field_errors_and_keeps_the_input_when_a_check_fails(world, client_for):
    client = client_for(world.user("branch_secretary"))
    data = _post_data(world, **{f"reason_{world.members['m2'].pk}": ""}, place="")
    response = client.post(reverse("life:record", args=[world.b1.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "请填写地点" in html and "李秀英缺席，请选择缺席原因" in html
    assert "学习二十大精神" in html  # input kept
    assert Activity.objects.count() == 0


def test_it_recomputes_the_expected_list_for_another_date(world, client_for):
    MemberFactory(
        name="新党员", organization=world.b1, joined_on=dt.date(2024, 5, 1), confirmed_on=dt.date(2025, 5, 1)
    )
    client = client_for(world.user("branch_secretary"))
    url = reverse("life:record_expected", args=[world.b1.pk])
    before = client.get(
        url, {"kind": "general_meeting", "date": "2024-04-30"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    after = client.get(
        url, {"kind": "general_meeting", "date": "2024-05-02"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "新党员" not in before
    assert "新党员" in after and "预备党员·无表决权" in after
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    assert "不能晚于今天" in client.get(url, {"kind": "general_meeting", "date": future}).content.decode()
    assert (
        client.get(reverse("life:record_expected", args=[world.b3.pk]), {"date": "2024-05-02"}).status_code
        == 404
    )


def test_it_renders_minutes_as_text_never_as_html(world, client_for):
    a = _activity(world, minutes=LONG_MINUTES + "<script>alert(1)</script><b>粗体</b>")
    html = (
        client_for(world.user("branch_secretary")).get(reverse("life:activity", args=[a.pk])).content.decode()
    )
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_it_shows_an_activity_only_within_scope_and_to_expected_members(world, client_for):
    a = _activity(world)
    assert (
        client_for(world.user("community_worker")).get(reverse("life:activity", args=[a.pk])).status_code
        == 200
    )
    other = MemberFactory(name="外社区", organization=world.b3)
    from dangjian.test import make_user

    outsider = make_user("branch_secretary", world.b3, "secretary3")
    assert client_for(outsider).get(reverse("life:activity", args=[a.pk])).status_code == 404
    assert (
        client_for(world.user("member")).get(reverse("life:activity", args=[a.pk])).status_code == 200
    )  # m1 expected
    stranger = make_user("member", world.b3, "member3", member=other)
    assert client_for(stranger).get(reverse("life:activity", args=[a.pk])).status_code == 404


def test_it_edits_a_record_keeping_history_and_refusing_stale_versions(world, client_for):
    a = _activity(world)
    client = client_for(world.user("branch_secretary"))
    url = reverse("life:activity_edit", args=[a.pk])
    assert "张建国" in client.get(url).content.decode()
    response = client.post(url, _post_data(world, topic="更正后的主题", version=str(a.version)))
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.topic == "更正后的主题" and a.version == 2 and a.history.count() == 2
    assert a.attendances.filter(attended=False).count() == 1
    stale = client.post(url, _post_data(world, topic="又一次", version="1"))
    assert "已被他人修改" in stale.content.decode()
    a.refresh_from_db()
    assert a.topic == "更正后的主题"
    assert client_for(world.user("inspector")).post(url, _post_data(world, version="2")).status_code == 404


def test_it_accepts_images_pdf_and_docx_checked_by_content_and_serves_them_as_downloads(
    world, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    a = _activity(world)
    client = client_for(world.user("branch_secretary"))
    url = reverse("life:attachment_upload", args=[a.pk])
    for name, content in (("合影.png", PNG), ("通知.pdf", PDF), ("记录.docx", _docx())):
        assert client.post(url, {"file": SimpleUploadedFile(name, content)}).status_code == 302
    stored = list(Attachment.objects.order_by("id"))
    assert [s.content_type for s in stored] == [
        "image/png",
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ]
    assert all(
        s.file.name.startswith("life/") and "合影" not in s.file.name for s in stored
    )  # random stored names
    download = client.get(reverse("life:attachment", args=[stored[0].pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == PNG
    assert (
        client_for(world.user("street_staff"))
        .get(reverse("life:attachment", args=[stored[0].pk]))
        .status_code
        == 200
    )
    from dangjian.test import make_user

    outsider = make_user("community_worker", world.c2, "worker2")
    assert client_for(outsider).get(reverse("life:attachment", args=[stored[0].pk])).status_code == 404


def test_it_refuses_uploads_of_other_types_or_over_the_size_limit(world, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    a = _activity(world)
    client = client_for(world.user("branch_secretary"))
    url = reverse("life:attachment_upload", args=[a.pk])
    fake = client.post(
        url, {"file": SimpleUploadedFile("照片.jpg", b"<html><script>x</script></html>")}, follow=True
    )
    assert "内容不是其中任何一种" in fake.content.decode()
    zip_not_docx = io.BytesIO()
    with zipfile.ZipFile(zip_not_docx, "w") as zf:
        zf.writestr("a.txt", "x")
    client.post(url, {"file": SimpleUploadedFile("伪装.docx", zip_not_docx.getvalue())})
    settings.UPLOAD_MAX_BYTES = 50
    big = client.post(url, {"file": SimpleUploadedFile("大图.png", PNG + b"\x00" * 100)}, follow=True)
    assert "文件大小超过上限" in big.content.decode()
    assert Attachment.objects.count() == 0
    assert list(tmp_path.rglob("*.*")) == []  # nothing stored half


def test_it_shows_a_members_attendance_record_and_rate(world, client_for):
    m1, m2 = world.members["m1"], world.members["m2"]
    _activity(world)
    activity_create(
        actor=world.user("street_staff"),
        organization=world.b1,
        data=activity_input(
            host=m1.pk,
            recorder=m1.pk,
            date=dt.date(2024, 4, 10),
            attended={m1.pk},
            absences={m2.pk: ("sick", "")},
        ),
    )
    page = (
        client_for(world.user("branch_secretary")).get(reverse("life:member", args=[m2.pk])).content.decode()
    )
    assert "50.0%" in page and "病假" in page
    own = client_for(world.user("member")).get(reverse("life:me")).content.decode()  # m1: 2 of 2
    assert "我的组织生活" in own and "100.0%" in own
    assert client_for(world.user("member")).get(reverse("life:member", args=[m2.pk])).status_code == 404
    from dangjian.test import make_user

    assert (
        client_for(make_user("branch_secretary", world.b3, "s3"))
        .get(reverse("life:member", args=[m2.pk]))
        .status_code
        == 404
    )


def test_it_exports_the_meeting_ledger_and_reads_it_back(world, client_for):
    m1, m2 = world.members["m1"], world.members["m2"]
    _activity(world, topic="一季度党员大会")
    activity_create(
        actor=world.user("street_staff"),
        organization=world.b1,
        data=activity_input(
            kind=ActivityKind.LECTURE,
            host=m1.pk,
            recorder=m2.pk,
            date=dt.date(2024, 5, 6),
            topic="专题党课",
            lecturer=m1.pk,
            lecture_title="牢记初心使命",
            attended={m1.pk},
            absences={m2.pk: ("mobility", "卧床")},
        ),
    )
    _activity(world, date=dt.date(2023, 6, 1), topic="去年的会议")
    client = client_for(world.user("branch_secretary"))
    response = client.get(reverse("life:ledger", args=[world.b1.pk]) + "?year=2024")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = read_rows(io.BytesIO(response.content))
    assert "三会一课" in rows[0][0]
    header = rows[1]
    body = [dict(zip(header, r, strict=False)) for r in rows[2:] if isinstance(r[0], int | float)]
    assert [r["会议主题"] for r in body] == ["一季度党员大会", "专题党课"]
    lecture = body[1]
    assert (lecture["应到"], lecture["实到"], lecture["缺席"]) == (2, 1, 1)
    assert lecture["缺席人员及原因"] == "李秀英（行动不便：卧床）"
    assert (lecture["授课人"], lecture["党课题目"]) == ("张建国", "牢记初心使命")
    assert AuditEvent.objects.filter(event_type="export", organization=world.b1).exists()
    assert client.get(reverse("life:ledger", args=[world.b3.pk]) + "?year=2024").status_code == 404


def test_it_lists_late_obligations_on_the_home_card(world, client_for):
    html = client_for(world.user("branch_secretary")).get(reverse("core:home")).content.decode()
    assert "组织生活" in html and "尚需完成" in html
    street = client_for(world.user("street_staff")).get(reverse("core:home")).content.decode()
    assert "落实情况表" in street
    member = client_for(world.user("member")).get(reverse("core:home")).content.decode()
    assert "我的组织生活" in member and "落实情况表" not in member
