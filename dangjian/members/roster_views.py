"""Pages of the Excel roster: template download, upload → preview → confirm, and export.

Only roles that write records in the chosen organization's subtree may import (others get 404);
the uploaded file is kept under MEDIA_ROOT/imports/ with a random name between preview and
confirmation, and its token is bound to the uploader's session. The confirmed import runs as a
background job (dangjian.members.jobs) whose page shows its progress and outcome.
"""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.accounts.roles import READ, WRITE, Domain
from dangjian.core.scope import org_in_scope, require_org
from dangjian.core.xlsx import XLSX_MIME, workbook_bytes
from dangjian.members.importer import (
    ImportResult,
    UploadRejected,
    check_spreadsheet_file,
    roster_export,
    roster_import_preview,
    roster_template,
)
from dangjian.members.jobs import enqueue_roster_import, import_dir
from dangjian.members.selectors import MemberFilters
from dangjian.orgs.models import Organization, OrgKind

SESSION_KEY = "roster_imports"
ERRORS_SHOWN = 200
STALE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _sweep_stale(directory: Path) -> None:
    """Uploads never confirmed are removed after a day."""
    cutoff = time.time() - STALE_SECONDS
    for path in directory.iterdir():
        if _TOKEN.match(path.stem) and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def _attachment(filename: str, data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _require_importer(user: Any) -> None:
    if not user.can(Domain.RECORDS, WRITE):
        raise Http404("未找到该页面")


def _org_from(value: str | None, user: Any, action: str) -> Organization:
    """The organization named by an id in the request, or 404 when it is outside the user's reach."""
    try:
        org = Organization.objects.get(pk=int(value or ""))
    except (ValueError, Organization.DoesNotExist) as exc:
        raise Http404("未找到该党组织") from exc
    require_org(user, org, Domain.RECORDS, action)
    return org


class ImportForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label="导入到党组织", empty_label=None
    )
    file = forms.FileField(label="名册文件")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        root = user.organization
        field = self.fields["organization"]
        field.queryset = (
            Organization.objects.filter(path__startswith=root.path, dissolved_on__isnull=True)
            .exclude(kind=OrgKind.GROUP)
            .order_by("path")
        )
        field.label_from_instance = lambda o: "　" * max(0, o.depth - root.depth) + o.name
        field.initial = root.pk
        limit_mb = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
        help_text = f"Excel（.xlsx、.xls）或WPS、LibreOffice保存的表格（.ods），不超过{limit_mb}MB"
        self.fields["file"].help_text = help_text

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(f"文件过大（上限{settings.UPLOAD_MAX_BYTES // (1024 * 1024)}MB）")
        return upload


def _store(upload: Any) -> tuple[str, Path, str]:
    """Write the upload under a random name, then judge its type by content (UploadRejected)."""
    directory = import_dir()
    _sweep_stale(directory)
    token = uuid.uuid4().hex
    tmp = directory / f"{token}.upload"
    with tmp.open("wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    tmp.chmod(0o600)
    try:
        ext = check_spreadsheet_file(tmp)
    except UploadRejected:
        tmp.unlink(missing_ok=True)
        raise
    path = tmp.rename(directory / f"{token}.{ext}")
    return token, path, ext


def _preview_page(
    request: HttpRequest,
    result: ImportResult,
    *,
    token: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "members/roster/preview.html",
        {
            "page_title": "导入预览",
            "result": result,
            "errors_shown": result.errors[:ERRORS_SHOWN],
            "errors_hidden": max(0, len(result.errors) - ERRORS_SHOWN),
            "token": token,
        },
        status=status,
    )


def _preview_upload(request: HttpRequest, org: Organization, upload: Any) -> HttpResponse:
    """Store the file, judge every row; keep the file (token in the session) only when it can be committed."""
    file_name = Path(upload.name).name[:120]
    token, path, ext = _store(upload)
    result = roster_import_preview(organization=org, source=path, file_name=file_name)
    if not result.ok:
        path.unlink(missing_ok=True)
        return _preview_page(request, result)
    pending = dict(list(request.session.get(SESSION_KEY, {}).items())[-4:])  # a few at most per session
    pending[token] = {"org": org.pk, "name": file_name, "ext": ext}
    request.session[SESSION_KEY] = pending
    return _preview_page(request, result, token=token)


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_importer(user)
    if request.method == "GET":
        form = ImportForm(user=user)
        return render(request, "members/roster/import.html", {"page_title": "导入党员名册", "form": form})
    if request.POST.get("organization"):
        _org_from(request.POST.get("organization"), user, WRITE)  # outside the subtree: 404
    form = ImportForm(request.POST, request.FILES, user=user)
    if form.is_valid():
        org = form.cleaned_data["organization"]
        require_org(user, org, Domain.RECORDS, WRITE)
        try:
            return _preview_upload(request, org, form.cleaned_data["file"])
        except UploadRejected as exc:
            form.add_error("file", str(exc))
    context = {"page_title": "导入党员名册", "form": form}
    return render(request, "members/roster/import.html", context, status=400)


@login_required
@require_POST
def import_commit(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_importer(user)
    token = request.POST.get("token", "")
    pending = request.session.get(SESSION_KEY, {})
    entry = pending.get(token) if _TOKEN.match(token) else None
    path = import_dir() / f"{token}.{entry['ext']}" if entry else None
    if entry is None or path is None or not path.exists():
        messages.error(request, "该导入文件已失效，请重新上传")
        return redirect("roster:import")
    org = _org_from(str(entry["org"]), user, WRITE)

    def forget() -> None:
        path.unlink(missing_ok=True)
        pending.pop(token, None)
        request.session[SESSION_KEY] = pending

    if request.POST.get("action") == "cancel":
        forget()
        messages.info(request, "已取消导入，未写入任何数据")
        return redirect("roster:import")
    job = enqueue_roster_import(user=user, organization=org, stored=path, file_name=entry["name"])
    pending.pop(token, None)  # the job owns the file now, and removes it
    request.session[SESSION_KEY] = pending
    return redirect("jobs:detail", token=job.token)


@login_required
@require_GET
def template_download(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_importer(user)
    org = _org_from(request.GET["org"], user, WRITE) if request.GET.get("org") else user.organization
    return _attachment("党员名册导入模板.xlsx", roster_template(organization=org))


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.GET.get("org"):
        org = _org_from(request.GET.get("org"), user, READ)
    elif org_in_scope(user, user.organization, Domain.RECORDS, READ):
        org = user.organization
    else:
        raise Http404("未找到该页面")
    filters = MemberFilters.from_params(request.GET, Organization.objects.none())
    full = request.GET.get("full") == "1"
    filename, sheets, _count = roster_export(actor=user, organization=org, filters=filters, full=full)
    return _attachment(filename, workbook_bytes(sheets))
