"""Backup and restore (security.md, 备份恢复): backup → wipe → restore gives back the same rows, the same
files and a verifiable audit chain, on SQLite and PostgreSQL; restore refuses anything but an empty
installation and any archive that does not match its manifest."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from dangjian.audit.models import AuditEvent, EventType
from dangjian.audit.services import audit_record, audit_verify
from dangjian.core import uploads
from dangjian.core.management.commands.backup import backup_models
from dangjian.members import services as member_services
from dangjian.members.models import Member
from dangjian.test import build_world

pytestmark = pytest.mark.django_db(transaction=True)


def fingerprints() -> dict[str, tuple[int, str]]:
    """Per table: row count and a hash of every column of every row (M2M tables included)."""
    out = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in ("contenttypes", "sessions", "axes") or model._meta.label_lower == "auth.permission":
            continue
        columns = [f.attname for f in model._meta.concrete_fields]
        rows = list(model._base_manager.order_by("pk").values_list(*columns))
        out[model._meta.label_lower] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return out


def files_of(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def media(settings, tmp_path):  # noqa: ANN001
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def populated(media):  # noqa: ANN001
    world = build_world()
    worker = world.user("community_worker")
    member_services.member_update(actor=worker, member=world.members["m1"], data={"remarks": "楼栋长"}, version=1)
    member_services.reveal_pii(actor=worker, member=world.members["m2"], field="phone")
    TOTPDevice.objects.create(user=world.user("audit_admin"), name="phone", confirmed=True)
    Token.objects.create(user=world.user("street_staff"))
    for i, data in enumerate([b"%PDF-1.4\n% minutes\n", b"%PDF-1.4\n% photo\n" * 50]):
        uploads.store_upload(SimpleUploadedFile(f"f{i}.pdf", data), kind="pdf", folder="life")
    audit_record(actor=None, actor_name="命令行", event_type=EventType.EXPORT, data={"note": "备份前"})
    return world


def _backup(tmp_path: Path) -> Path:
    out = tmp_path / "backup" / "dangjian.tar.gz"
    call_command("backup", "--out", str(out), stdout=io.StringIO())
    return out


def _wipe(media: Path) -> None:
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media)
    media.mkdir()


def test_it_backs_up_wipes_and_restores_the_same_data(populated, media, tmp_path):
    before_rows, before_files = fingerprints(), files_of(media)
    assert before_rows["members.member"][0] == 4 and before_rows["audit.auditevent"][0] >= 3
    assert len(before_files) == 2

    archive = _backup(tmp_path)
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.load(tar.extractfile("manifest.json"))
        data = tar.extractfile("data.jsonl").read().decode()
    assert {"manifest.json", "data.jsonl"} <= names and {f"uploads/{n}" for n in before_files} <= names
    assert manifest["tables"]["members.member"] == 4
    for member in Member.objects.all():  # personal data stays encrypted in the archive
        assert member.id_number not in data and member.phone not in data

    _wipe(media)
    assert Member.objects.count() == 0 and AuditEvent.objects.count() == 0 and files_of(media) == {}

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "审计链完整" in out.getvalue()
    assert fingerprints() == before_rows
    assert files_of(media) == before_files
    assert audit_verify() == []
    restored = Member.objects.get(name="张建国")
    assert restored.remarks == "楼栋长" and len(restored.id_number) == 18 and restored.id_number[-4:] == restored.id_number_last4
    # The restored installation keeps working: new audit rows chain on, ids continue.
    audit_record(actor=None, actor_name="t", event_type=EventType.EXPORT)
    assert audit_verify() == []


def test_it_refuses_to_restore_over_existing_data(populated, media, tmp_path):
    archive = _backup(tmp_path)
    before = fingerprints()
    with pytest.raises(CommandError, match="只能恢复到空白安装"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert fingerprints() == before

    call_command("flush", interactive=False, verbosity=0)  # database empty, uploads still there
    with pytest.raises(CommandError, match="上传文件目录不为空"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert Member.objects.count() == 0


def _rewrite(archive: Path, target: Path, change) -> Path:  # noqa: ANN001
    """Copy `archive` to `target`, passing each (TarInfo, bytes) through `change` (None drops it)."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as out:
        for info in source.getmembers():
            data = source.extractfile(info).read()
            changed = change(info, data)
            if changed is not None:
                info, data = changed
                info.size = len(data)
                out.addfile(info, io.BytesIO(data))
    return target


def test_it_refuses_a_damaged_or_hostile_archive(populated, media, tmp_path):
    archive = _backup(tmp_path)
    _wipe(media)

    def flip(info, data):  # noqa: ANN001, ANN202
        if info.name == "data.jsonl":
            assert "张建国".encode() in data
            data = data.replace("张建国".encode(), "林建国".encode(), 1)  # one changed name, same size
        return info, data

    def escape(info, data):  # noqa: ANN001, ANN202
        if info.name.startswith("uploads/"):
            info.name = "uploads/../../escaped.pdf"
        return info, data

    def drop_manifest(info, data):  # noqa: ANN001, ANN202
        return None if info.name == "manifest.json" else (info, data)

    tampered = _rewrite(archive, tmp_path / "tampered.tar.gz", lambda i, d: (i, d + b"\n") if i.name == "data.jsonl" else (i, d))
    cases = [(tampered, "已损坏或被改动"), (_rewrite(archive, tmp_path / "escape.tar.gz", escape), "不安全"),
             (_rewrite(archive, tmp_path / "nomanifest.tar.gz", drop_manifest), "清单"),
             (_rewrite(archive, tmp_path / "flip.tar.gz", flip), "已损坏或被改动")]
    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(b"not an archive")
    cases.append((garbage, "无法读取"))
    for bad, message in cases:
        with pytest.raises(CommandError, match=message):
            call_command("restore", str(bad), stdout=io.StringIO())
        assert Member.objects.count() == 0 and files_of(media) == {}
    assert not (tmp_path.parent / "escaped.pdf").exists()


def test_it_refuses_a_different_field_key(populated, media, tmp_path, settings):
    archive = _backup(tmp_path)
    _wipe(media)
    settings.FIELD_ENCRYPTION_KEY = "q" * 43 + "="
    with pytest.raises(CommandError, match="密钥"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert Member.objects.count() == 0


def test_it_carries_every_project_table():
    labels = {m._meta.label_lower for m in backup_models()}
    assert {"accounts.user", "members.member", "members.historicalmember", "audit.auditevent",
            "audit.auditcheckpoint", "orgs.organization", "otp_totp.totpdevice", "authtoken.token"} <= labels
    assert not {"sessions.session", "contenttypes.contenttype", "auth.permission", "axes.accessattempt"} & labels
