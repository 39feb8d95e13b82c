"""Personal data at rest (security.md): ID numbers and phones are unreadable in the raw database (the
SQLite file and its WAL; every text column of every table on any engine) yet found through the
application by full value and by the last digits; `dangjian rotate_keys` moves everything to a new key."""

from __future__ import annotations

import base64
import datetime as dt
import io
import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from dangjian.core import pii
from dangjian.members import services
from dangjian.members.models import Member
from dangjian.members.selectors import search_q
from dangjian.test import build_world, make_id_number

ID_NUMBERS = [make_id_number(dt.date(1951, 2, 3), "M", region="110105"), make_id_number(dt.date(1962, 10, 9), "F", region="440304")]
PHONES = ["13812345678", "15987654321"]


def _create_members(world) -> list[Member]:  # noqa: ANN001
    worker = world.user("community_worker")
    created = []
    for i, (id_number, phone) in enumerate(zip(ID_NUMBERS, PHONES, strict=True)):
        created.append(services.member_create(actor=worker, organization=world.b1, data={
            "name": f"加密测试{i}", "id_number": id_number, "phone": phone, "education": "college",
            "category": "resident", "status": "full", "joined_on": dt.date(1985, 7, 1), "confirmed_on": dt.date(1986, 7, 1),
        }))
    member = created[0]
    services.member_update(actor=worker, member=member, data={"remarks": "改过一次"}, version=member.version)
    services.reveal_pii(actor=worker, member=created[1], field="id_number")
    return created


def _secrets(world) -> list[str]:  # noqa: ANN001
    values = ID_NUMBERS + PHONES
    values += [m.id_number for m in world.members.values()] + [m.phone for m in world.members.values()]
    return values


def _every_text_value() -> list[str]:
    """Every value of every column of every table, as the database returns it."""
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608  (table names from introspection)
            for row in cursor.fetchall():
                values.extend(str(v) for v in row if v is not None)
    return values


@pytest.mark.django_db(transaction=True)
def test_it_keeps_plaintext_out_of_the_raw_database():
    world = build_world()
    _create_members(world)
    secrets_ = _secrets(world)
    haystack = "\n".join(_every_text_value())
    assert "加密测试0" in haystack  # the scan sees the data
    for value in secrets_:
        assert value not in haystack, "plaintext personal data in a table column"
        assert value[-4:] in haystack  # the last digits are stored for lookup, by design

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
        path = Path(connection.settings_dict["NAME"])
        raw = b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
        assert "加密测试0".encode() in raw
        for value in secrets_:
            for encoded in (value.encode(), value.encode("utf-16-le")):
                assert encoded not in raw, "plaintext personal data in the SQLite file"


@pytest.mark.django_db
def test_it_finds_members_by_full_value_and_last_digits_through_the_application(client_for):
    world = build_world()
    created = _create_members(world)
    assert list(Member.objects.filter(search_q(ID_NUMBERS[1]))) == [created[1]]
    assert created[1] in Member.objects.filter(search_q(ID_NUMBERS[1][-4:]))
    assert list(Member.objects.filter(phone_hmac=pii.digest(PHONES[0]))) == [created[0]]
    page = client_for(world.user("community_worker")).get("/members/", {"q": ID_NUMBERS[0][-4:]}).content.decode()
    assert "加密测试0" in page and PHONES[0] not in page  # found, and the phone shown masked
    assert "138****5678" in page


def _key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


@pytest.mark.django_db
def test_it_rotates_the_field_key(settings):
    world = build_world()
    created = _create_members(world)
    old_key = settings.FIELD_ENCRYPTION_KEY
    old_tokens = dict(Member.objects.values_list("pk", "id_number_enc"))
    old_history = set(Member.history.model.objects.values_list("id_number_enc", flat=True))
    new_key = _key()

    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_ENCRYPTION_OLD_KEYS = new_key, [old_key]
    out = io.StringIO()
    call_command("rotate_keys", "--batch-size", "2", stdout=out)
    assert "members.Member: 6行" in out.getvalue() and "members.HistoricalMember:" in out.getvalue()

    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_ENCRYPTION_OLD_KEYS = new_key, []  # the old key removed
    for member in created:
        fresh = Member.objects.get(pk=member.pk)
        assert fresh.id_number == member.id_number and fresh.phone == member.phone
        assert fresh.id_number_enc != old_tokens[member.pk]
    assert list(Member.objects.filter(search_q(ID_NUMBERS[0]))) == [created[0]]
    assert list(Member.objects.filter(phone_hmac=pii.digest(PHONES[1]))) == [created[1]]
    history_tokens = set(Member.history.model.objects.values_list("id_number_enc", flat=True))
    assert not (history_tokens & old_history) - {""}
    for record in Member.history.filter(id=created[0].pk):
        assert record.id_number_enc == "" or pii.decrypt(record.id_number_enc) == created[0].id_number
    for member in world.members.values():
        assert Member.objects.get(pk=member.pk).id_number == member.id_number


@pytest.mark.django_db
def test_it_changes_nothing_when_a_value_cannot_be_decrypted(settings):
    world = build_world()
    _create_members(world)
    before = dict(Member.objects.values_list("pk", "id_number_enc"))
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_ENCRYPTION_OLD_KEYS = _key(), []  # the old key forgotten
    with pytest.raises(CommandError, match="无法用现有密钥解密"):
        call_command("rotate_keys", stdout=io.StringIO())
    assert dict(Member.objects.values_list("pk", "id_number_enc")) == before
    assert world.members
