"""The shared upload checker (security.md): type by content, size limits, zip bombs refused, random
storage names under MEDIA_ROOT, downloads only as attachments."""

from __future__ import annotations

import io
import os
import shutil
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from dangjian.core import uploads
from dangjian.core.xlsx import Sheet, read_rows, workbook_bytes


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")


def _jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"


def _pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _xlsx() -> bytes:
    return workbook_bytes([Sheet(title="名册", headers=["姓名", "身份证号码"], rows=[["张三", "x"]])])


def _docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("支部委员会会议记录")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buf.getvalue()


def _ods() -> bytes:
    return _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<office:document-content/>"},
                zipfile.ZIP_STORED)


def _ole(stream_name: str) -> bytes:
    """An OLE2 compound-file header and a directory sector naming one stream (what .xls/.doc start with)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * (512 - 8)
    name = stream_name.encode("utf-16-le") + b"\x00\x00"
    entry = name.ljust(64, b"\x00") + struct.pack("<H", len(name)) + b"\x02" + b"\x00" * 61
    return header + entry.ljust(512, b"\x00")


def _file(data: bytes, name: str = "upload.bin") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


SAMPLES = {"png": _png, "jpeg": _jpeg, "pdf": _pdf, "xlsx": _xlsx, "docx": _docx, "ods": _ods,
           "xls": lambda: _ole("Workbook")}


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_it_tells_the_type_by_content_not_by_name(kind):
    data = SAMPLES[kind]()
    assert uploads.check_upload(_file(data, "misleading.txt"), allowed=set(SAMPLES)) == kind
    others = set(SAMPLES) - {kind}
    with pytest.raises(uploads.UploadRejected) as excinfo:
        uploads.check_upload(_file(data, f"sneaky{uploads.KINDS[next(iter(others))][0]}"), allowed=others, field="attachment")
    assert "文件类型不符" in excinfo.value.message_dict["attachment"][0]


@pytest.mark.parametrize(("data", "message"), [
    (b"MZ\x90\x00" + b"\x00" * 100, "文件类型不符"),  # a Windows program renamed .xlsx
    (b"<html><script>alert(1)</script></html>", "文件类型不符"),
    (b"PK\x03\x04" + b"garbage" * 20, "文件已损坏"),
    (b"", "文件是空的"),
])
def test_it_refuses_hostile_or_broken_files(data, message):
    with pytest.raises(uploads.UploadRejected) as excinfo:
        uploads.check_upload(_file(data, "roster.xlsx"), allowed=uploads.SPREADSHEETS)
    assert message in " ".join(excinfo.value.messages)


def test_it_refuses_an_ole_file_that_is_not_a_workbook():
    with pytest.raises(uploads.UploadRejected):
        uploads.check_upload(_file(_ole("WordDocument"), "x.xls"), allowed=uploads.SPREADSHEETS)


def test_it_refuses_a_zip_that_is_neither_office_nor_opendocument():
    with pytest.raises(uploads.UploadRejected, match="文件类型不符"):
        uploads.check_upload(_file(_zip({"readme.txt": b"hi"})), allowed=uploads.SPREADSHEETS | uploads.DOCUMENTS)


def test_it_limits_the_size(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(uploads.UploadRejected, match="文件过大"):
        uploads.check_upload(_file(_pdf() + b" " * 2000), allowed={"pdf"})
    assert uploads.check_upload(_file(_pdf()), allowed={"pdf"}) == "pdf"


def _xlsx_with(extra: bytes) -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": extra})


def test_it_refuses_a_zip_bomb_by_ratio(settings):
    settings.UPLOAD_MAX_ZIP_RATIO = 100
    bomb = _xlsx_with(b"0" * 5_000_000)  # compresses ~1000:1
    assert len(bomb) < 50_000
    with pytest.raises(uploads.UploadRejected, match="疑似恶意压缩文件"):
        uploads.check_upload(_file(bomb, "roster.xlsx"), allowed=uploads.SPREADSHEETS)


def test_it_refuses_a_zip_too_large_once_unpacked(settings):
    settings.UPLOAD_MAX_UNZIPPED_BYTES = 1_000_000
    big = _xlsx_with(os.urandom(1_200_000))  # incompressible: the ratio is fine, the total is not
    with pytest.raises(uploads.UploadRejected, match="解压后过大"):
        uploads.check_upload(_file(big, "roster.xlsx"), allowed=uploads.SPREADSHEETS)


def test_it_refuses_a_zip_that_lies_about_sizes_when_read():
    """A bomb may declare small sizes in its directory to pass the check; Python's zipfile (under openpyxl
    and python-docx) then never inflates past the declared size: reading fails instead."""
    data = bytearray(_xlsx_with(b"A" * 100_000))
    central = bytes(data).rfind(b"PK\x01\x02")  # the last central directory entry: sheet1.xml
    data[central + 24:central + 28] = struct.pack("<I", 10)  # its declared uncompressed size
    liar = zipfile.ZipFile(io.BytesIO(bytes(data)))
    assert liar.getinfo("xl/worksheets/sheet1.xml").file_size == 10
    assert uploads.check_upload(_file(bytes(data)), allowed=uploads.SPREADSHEETS) == "xlsx"
    with pytest.raises(zipfile.BadZipFile), liar.open("xl/worksheets/sheet1.xml") as handle:
        assert len(handle.read()) <= 10


def test_it_stores_under_random_names_inside_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    data = _pdf()
    first = uploads.store_upload(_file(data, "../../etc/passwd.pdf"), kind="pdf", folder="life")
    second = uploads.store_upload(_file(data, "../../etc/passwd.pdf"), kind="pdf", folder="life")
    assert first != second
    for name in (first, second):
        assert name.startswith("life/") and name.endswith(".pdf") and "passwd" not in name
        path = Path(settings.MEDIA_ROOT) / name
        assert path.read_bytes() == data
        assert oct(path.stat().st_mode & 0o777) == "0o640"
    with pytest.raises(ValueError):
        uploads.store_upload(_file(data), kind="pdf", folder="../escape")


def test_it_serves_a_download_only_as_an_attachment(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    name = uploads.store_upload(_file(_xlsx()), kind="xlsx", folder="dues")
    response = uploads.download_response(name, "党费收缴台账.xlsx")
    body = b"".join(response.streaming_content)
    assert body == _xlsx() or body[:2] == b"PK"
    assert response["Content-Disposition"] == "attachment; filename*=UTF-8''%E5%85%9A%E8%B4%B9%E6%94%B6%E7%BC%B4%E5%8F%B0%E8%B4%A6.xlsx"
    assert response["Content-Type"] == uploads.KINDS["xlsx"][1]
    assert response["X-Content-Type-Options"] == "nosniff"
    response.close()
    secret = tmp_path / "secret.txt"
    secret.write_text("x")
    for bad in ("../secret.txt", str(secret), "", "dues/missing.xlsx", "dues"):
        with pytest.raises(Http404):
            uploads.download_response(bad, "x")


@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", ["xls", "ods", "xlsx"])
def test_it_accepts_spreadsheets_saved_by_libreoffice(tmp_path, kind):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.fail("LibreOffice (soffice) is missing: install Debian's libreoffice-calc-nogui (./dev test does)")
    source = tmp_path / "roster.csv"
    source.write_text("姓名,电话\n张三,13900000000\n", encoding="utf-8")
    target_format = {"xls": "xls:MS Excel 97", "ods": "ods", "xlsx": "xlsx"}[kind]
    subprocess.run(  # noqa: S603
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--infilter=CSV:44,34,76",
         "--convert-to", target_format, "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=120,
    )
    data = (tmp_path / f"roster.{kind}").read_bytes()
    assert uploads.check_upload(_file(data, "whatever.bin"), allowed=uploads.SPREADSHEETS) == kind
    assert read_rows(io.BytesIO(data))[1][0] == "张三"
