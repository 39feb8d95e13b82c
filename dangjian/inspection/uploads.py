"""Evidence files: the type is decided by the content (magic bytes, the inside of zip-based Office files),
never by the name or the browser's claim; the size is limited (settings.UPLOAD_MAX_BYTES); the stored
name is random and carries the extension of the detected type."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class FileKind:
    extension: str
    content_type: str
    label: str


PDF = FileKind(".pdf", "application/pdf", "PDF")
PNG = FileKind(".png", "image/png", "PNG图片")
JPEG = FileKind(".jpg", "image/jpeg", "JPEG图片")
DOCX = FileKind(
    ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word文档"
)
XLSX = FileKind(".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel表格")
OLE = FileKind(".doc", "application/msword", "Word/Excel 97-2003文档")  # .doc/.xls/.wps share one container

ACCEPTED_LABELS = "PDF、JPG、PNG图片、Word（.docx/.doc）、Excel（.xlsx/.xls）"


def detect(head: bytes, stream: IO[bytes]) -> FileKind | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if head.startswith(b"PK\x03\x04"):
        try:
            stream.seek(0)
            with zipfile.ZipFile(stream) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    return None


@dataclass(frozen=True)
class CheckedUpload:
    kind: FileKind
    data: bytes
    sha256: str
    original_name: str


def check_upload(upload: IO[bytes], name: str = "", field: str = "file") -> CheckedUpload:
    """Read and check an uploaded file; ValidationError {field: message} when refused."""
    limit = int(settings.UPLOAD_MAX_BYTES)
    data = upload.read(limit + 1)
    if not data:
        raise ValidationError({field: "文件为空"})
    if len(data) > limit:
        raise ValidationError({field: f"文件超过{limit // (1024 * 1024)}MB的大小限制"})
    kind = detect(data[:16], io.BytesIO(data))
    if kind is None:
        raise ValidationError({field: f"不支持的文件类型，请上传{ACCEPTED_LABELS}"})
    original = (name or getattr(upload, "name", "") or "file").replace("\\", "/").rsplit("/", 1)[-1]
    original = "".join(ch for ch in original if ch.isprintable())[:200] or "file"
    return CheckedUpload(kind, data, hashlib.sha256(data).hexdigest(), original)
