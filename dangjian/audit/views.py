"""The audit administrator's pages: the log (search, pages, xlsx export) and the chain check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.accounts.roles import Domain
from dangjian.audit.models import EventType
from dangjian.audit.selectors import EXPORT_HEADERS, AuditFilters, audit_search, export_rows, visible_events
from dangjian.audit.services import audit_record, audit_verify_report, retention_days
from dangjian.core.xlsx import Sheet, xlsx_response

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000


def _require_audit(request: HttpRequest) -> None:
    if not request.user.can(Domain.AUDIT):
        raise Http404


@login_required
def log(request: HttpRequest) -> HttpResponse:
    _require_audit(request)
    filters = AuditFilters.from_params(request.GET)
    qs = audit_search(visible_events(request.user), filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {
        "page": page, "filters": filters, "query": filters.as_query(), "event_types": EventType.choices,
        "retention_days": retention_days(),
    })


@login_required
def export(request: HttpRequest) -> HttpResponse:
    _require_audit(request)
    filters = AuditFilters.from_params(request.GET)
    qs = audit_search(visible_events(request.user), filters)
    with transaction.atomic():
        count = qs.count()
        audit_record(
            actor=request.user, event_type=EventType.EXPORT, organization=request.user.organization,
            object_type="audit.AuditEvent", object_repr=f"导出审计记录{min(count, EXPORT_LIMIT)}条",
            data={"filters": filters.as_query(), "count": min(count, EXPORT_LIMIT)},
        )
        rows = list(export_rows(qs[:EXPORT_LIMIT]))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(f"审计记录-{stamp}.xlsx", [Sheet(
        title="审计记录", headers=EXPORT_HEADERS, rows=rows, caption="审计记录",
        widths=[8, 20, 14, 16, 16, 20, 10, 30, 24, 8, 60],
    )])


@login_required
@require_POST
def verify(request: HttpRequest) -> HttpResponse:
    _require_audit(request)
    report = audit_verify_report()
    return render(request, "audit/verify.html", {"report": report, "problems": report.problems[:200]})
