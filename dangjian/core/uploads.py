"""The one upload checker of the platform (security.md: uploads checked by content, size-limited,
stored outside the web root under random names, served as attachments).

    kind = check_upload(request.FILES["file"], allowed={"xlsx", "xls", "ods"})   # ValidationError if bad
    name = store_upload(request.FILES["file"], kind=kind, folder="life")         # "life/2025/06/<hex>.xlsx"
    ...
    return download_response(name, "三会一课记录.xlsx")   # after get_for_user_or_404 on the owning record

Types are told by their bytes, never by the file name or the browser's Content-Type. Zip-based
formats (xlsx, docx, ods) are opened only as far as the central directory: the declared uncompressed
sizes must stay under settings.UPLOAD_MAX_UNZIPPED_BYTES and the ratio to the compressed size under
settings.UPLOAD_MAX_ZIP_RATIO (zip bombs). Python's zipfile never inflates an entry past its declared
size, so readers built on it (openpyxl, python-docx) stay within the checked totals.
"""

from __future__ import annotations

import mimetypes
import secrets
import zipfile
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils import timezone

KINDS: dict[str, tuple[str, str]] = {
    # kind: (extension, content type)
    "jpeg": (".jpg", "image/jpeg"),
    "png": (".png", "image/png"),
    "pdf": (".pdf", "application/pdf"),
    "docx": (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "xls": (".xls", "application/vnd.ms-excel"),
    "ods": (".ods", "application/vnd.oasis.opendocument.spreadsheet"),
}
LABELS = {"jpeg": "JPEG图片", "png": "PNG图片", "pdf": "PDF", "docx": "Word文档(.docx)", "xlsx": "Excel表格(.xlsx)",
          "xls": "Excel 97-2003表格(.xls)", "ods": "OpenDocument表格(.ods)"}
IMAGES = frozenset({"jpeg", "png"})
SPREADSHEETS = frozenset({"xlsx", "xls", "ods"})
DOCUMENTS = frozenset({"pdf", "docx"})

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAX_ZIP_ENTRIES = 20_000


class UploadRejected(ValidationError):
    pass


def _head(file: IO[bytes], size: int = 4096) -> bytes:
    file.seek(0)
    data = file.read(size)
    file.seek(0)
    return data


def _size(file: Any) -> int:
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
        file.seek(0)
    return int(size)


def _zip_kind(file: IO[bytes], compressed_size: int) -> str:
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
            if len(infos) > _MAX_ZIP_ENTRIES:
                raise UploadRejected("文件内部条目过多，已拒绝（疑似恶意压缩文件）", code="zip_bomb")
            total = sum(max(i.file_size, 0) for i in infos)
            if total > settings.UPLOAD_MAX_UNZIPPED_BYTES:
                raise UploadRejected("文件解压后过大，已拒绝（疑似恶意压缩文件）", code="zip_bomb")
            if compressed_size and total / compressed_size > settings.UPLOAD_MAX_ZIP_RATIO:
                raise UploadRejected("文件压缩比异常，已拒绝（疑似恶意压缩文件）", code="zip_bomb")
            for info in infos:
                if info.compress_size and info.file_size / info.compress_size > settings.UPLOAD_MAX_ZIP_RATIO * 10:
                    raise UploadRejected("文件压缩比异常，已拒绝（疑似恶意压缩文件）", code="zip_bomb")
            names = {i.filename for i in infos}
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return "docx"
                if "xl/workbook.xml" in names:
                    return "xlsx"
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100].strip()
                if mimetype == b"application/vnd.oasis.opendocument.spreadsheet":
                    return "ods"
    except zipfile.BadZipFile as exc:
        raise UploadRejected("文件已损坏，无法读取", code="corrupt") from exc
    finally:
        file.seek(0)
    return ""


def _ole_kind(file: IO[bytes]) -> str:
    # An OLE2 compound file: .xls has a "Workbook" (or old "Book") stream, named in UTF-16 in the directory.
    file.seek(0)
    data = file.read(2 * 1024 * 1024)
    file.seek(0)
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "xls"
    return ""


def detect_kind(file: IO[bytes], size: int | None = None) -> str:
    """The file's type by its content ("" when none of KINDS)."""
    head = _head(file, 16)
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(_OLE):
        return _ole_kind(file)
    if head.startswith(_ZIP):
        return _zip_kind(file, size if size is not None else _size(file))
    return ""


def check_upload(file: Any, allowed: frozenset[str] | set[str] | tuple[str, ...], *, field: str = "file") -> str:
    """Validate an uploaded file by its content; returns its kind or raises UploadRejected (Chinese,
    naming the field). Nothing is stored."""
    wanted = "、".join(LABELS[k] for k in KINDS if k in allowed)
    if file is None:
        raise UploadRejected({field: "请选择要上传的文件"})
    size = _size(file)
    if size == 0:
        raise UploadRejected({field: "文件是空的"})
    if size > settings.UPLOAD_MAX_BYTES:
        limit_mb = settings.UPLOAD_MAX_BYTES / 1024 / 1024
        raise UploadRejected({field: f"文件过大（上限{limit_mb:.0f}MB）"})
    try:
        kind = detect_kind(file, size)
    except UploadRejected as exc:
        raise UploadRejected({field: exc.messages}) from exc
    if kind not in allowed:
        raise UploadRejected({field: f"文件类型不符：请上传{wanted}（按文件内容判断，与扩展名无关）"})
    return kind


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT).resolve()


def store_upload(file: Any, *, kind: str, folder: str) -> str:
    """Save under MEDIA_ROOT/<folder>/<yyyy>/<mm>/<random>.<ext>; returns the relative name to keep in
    the database. Call check_upload() first."""
    if not folder.replace("_", "").replace("-", "").isalnum():
        raise ValueError("folder must be a simple name")
    today = timezone.localdate()
    relative = Path(folder) / f"{today:%Y}" / f"{today:%m}" / f"{secrets.token_hex(16)}{KINDS[kind][0]}"
    target = media_root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    file.seek(0)
    with open(target, "xb") as out:
        chunks = file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(1024 * 1024), b"")
        for chunk in chunks:
            out.write(chunk)
    target.chmod(0o640)
    return relative.as_posix()


def stored_path(name: str) -> Path:
    """The absolute path of a stored upload; 404 for anything outside MEDIA_ROOT or missing."""
    root = media_root()
    path = (root / name).resolve()
    if not name or root not in path.parents or not path.is_file():
        raise Http404("文件不存在")
    return path


def download_response(name: str, download_name: str) -> FileResponse:
    """Serve a stored upload as an attachment (never inline), with its type from its extension.
    The caller has already found the owning record through the user's scope (get_for_user_or_404)."""
    path = stored_path(name)
    content_type = next((ct for ext, ct in KINDS.values() if ext == path.suffix), None)
    content_type = content_type or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    response = FileResponse(open(path, "rb"), content_type=content_type)  # noqa: SIM115  (FileResponse closes it)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(download_name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
