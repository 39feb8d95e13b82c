"""Attachment uploads (security.md): the type is decided by the content, never by the name or the
browser's claim; the size is limited by settings.UPLOAD_MAX_BYTES."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    label: str


JPEG = FileType("image/jpeg", ".jpg", "JPEG图片")
PNG = FileType("image/png", ".png", "PNG图片")
PDF = FileType("application/pdf", ".pdf", "PDF文档")
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "Word文档"
)
ALLOWED = (JPEG, PNG, PDF, DOCX)
ALLOWED_LABEL = "、".join(t.label for t in ALLOWED)


def sniff(stream: IO[bytes]) -> FileType | None:
    """The type of the content, or None when it is none of the allowed ones."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(stream) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            stream.seek(0)
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return DOCX
    return None


def check_upload(upload: object) -> FileType:
    """Raise a field-level ValidationError unless the upload is an allowed type within the size limit."""
    size = getattr(upload, "size", None)
    if size is None or size == 0:
        raise ValidationError({"file": "请选择要上传的文件"})
    limit = settings.UPLOAD_MAX_BYTES
    if size > limit:
        raise ValidationError({"file": f"文件大小超过上限（{limit // (1024 * 1024)}MB）"})
    kind = sniff(upload)  # type: ignore[arg-type]
    if kind is None:
        raise ValidationError({"file": f"只能上传{ALLOWED_LABEL}；该文件的内容不是其中任何一种"})
    return kind


def display_name(original: str, kind: FileType) -> str:
    """The name a download is offered under: the original stem (path parts dropped) with the real extension."""
    stem = PurePath(original.replace("\\", "/")).stem.strip()[:150] or "附件"
    return stem + kind.extension
