"""Evidence uploads are judged by their content and size, never by their name."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError

from dangjian.core.documents import build_document
from dangjian.core.xlsx import Sheet, workbook_bytes
from dangjian.inspection.uploads import DOCX, JPEG, OLE, PDF, PNG, XLSX, check_upload


def _file(data: bytes, name: str) -> io.BytesIO:
    f = io.BytesIO(data)
    f.name = name
    return f


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n...", PDF),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 20, PNG),
        (b"\xff\xd8\xff\xe0" + b"\0" * 20, JPEG),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 20, OLE),
    ],
)
def test_it_recognizes_allowed_types_by_content(data, kind):  # noqa: ANN001
    checked = check_upload(_file(data, "whatever.exe"))
    assert checked.kind == kind and checked.data == data and len(checked.sha256) == 64


def test_it_tells_word_from_excel_from_a_plain_zip():
    assert check_upload(_file(build_document("标题", []), "a.docx")).kind == DOCX
    assert check_upload(_file(workbook_bytes([Sheet("表", ["列"], [[1]])]), "a.docx")).kind == XLSX
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("payload.sh", "rm -rf /")
    with pytest.raises(ValidationError):
        check_upload(_file(buf.getvalue(), "evidence.docx"))


def test_it_refuses_empty_disguised_and_oversized_files(settings):  # noqa: ANN001
    with pytest.raises(ValidationError):
        check_upload(_file(b"", "a.pdf"))
    with pytest.raises(ValidationError):
        check_upload(_file(b"<html><script>alert(1)</script>", "photo.jpg"))
    settings.UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError) as exc:
        check_upload(_file(b"%PDF-" + b"x" * 200, "big.pdf"))
    assert "大小限制" in exc.value.message_dict["file"][0]


def test_it_keeps_only_the_base_name():
    assert check_upload(_file(b"%PDF-1.4", "..\\..\\etc/整改\u202e材料.pdf")).original_name == "整改材料.pdf"
