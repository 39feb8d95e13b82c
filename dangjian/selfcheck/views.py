from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.core.forms import DateInput, apply_errors
from dangjian.core.scope import get_for_user_or_404
from dangjian.lib.periods import quarter_bounds, quarter_of
from dangjian.selfcheck import engine, jobs, reports, selectors, services, textindex
from dangjian.selfcheck.models import Run, RunFinding

PAGE_SIZE = 100


class RunForm(forms.Form):
    period_start = forms.DateField(label="起始日期", widget=DateInput)
    period_end = forms.DateField(label="截止日期", widget=DateInput)
    rules = forms.MultipleChoiceField(
        label="检查规则",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="不选表示全部启用的规则",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rules"].choices = [(r.code, f"{r.code} {r.title}") for r in engine.enabled_rules()]


def _presets(today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    q = quarter_of(today)
    prev_q = (today.year, q - 1) if q > 1 else (today.year - 1, 4)
    return [
        ("本年度", dt.date(today.year, 1, 1), today),
        ("上年度", dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)),
        ("本季度", quarter_bounds(today.year, q)[0], today),
        ("上季度", *quarter_bounds(*prev_q)),
        ("近三年", dt.date(today.year - 2, 1, 1), today),
    ]


def _require_runner(request: HttpRequest) -> None:
    if not services.may_run(request.user, request.user.organization):
        raise Http404


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _require_runner(request)
    today = timezone.localdate()
    start = request.GET.get("from", "")
    end = request.GET.get("to", "")
    initial = {"period_start": dt.date(today.year, 1, 1), "period_end": today}
    try:
        if start and end:
            initial = {"period_start": dt.date.fromisoformat(start), "period_end": dt.date.fromisoformat(end)}
    except ValueError:
        pass
    runs = Run.objects.for_user(request.user).select_related("organization", "created_by")[:20]
    return render(
        request,
        "selfcheck/index.html",
        {
            "form": RunForm(initial=initial),
            "runs": runs,
            "presets": _presets(today),
            "rules": engine.all_rules(),
            "disabled": engine.disabled_codes(),
        },
    )


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    _require_runner(request)
    form = RunForm(request.POST)
    if form.is_valid():
        try:
            run = services.run_create(
                actor=request.user,
                organization=request.user.organization,
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
                rules=form.cleaned_data["rules"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            jobs.start_run(run)
            return redirect("selfcheck:run", pk=run.pk)
    runs = Run.objects.for_user(request.user).select_related("organization", "created_by")[:20]
    return render(
        request,
        "selfcheck/index.html",
        {
            "form": form,
            "runs": runs,
            "presets": _presets(timezone.localdate()),
            "rules": engine.all_rules(),
            "disabled": engine.disabled_codes(),
        },
        status=400,
    )


def _run(request: HttpRequest, pk: int) -> Run:
    run = get_for_user_or_404(Run.objects.select_related("organization", "created_by"), request.user, pk=pk)
    return services.run_reap_if_stale(run) if run.is_active else run


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    context: dict[str, Any] = {"run": run, "can_cancel": services.may_run(request.user, run.organization)}
    if not run.is_active:
        filters = selectors.FindingFilters.from_params(request.GET)
        page = Paginator(selectors.findings(run, request.user, filters), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        registry = engine.load_rules()
        context.update(
            {
                "filters": filters,
                "query": filters.as_query(),
                "page": page,
                "rows": [(f, registry.get(f.rule)) for f in page.object_list],
                "rule_counts": selectors.rule_counts(run, request.user),
                "orgs": selectors.scope_orgs(run, request.user),
                "fixed": selectors.fixed_findings(run, request.user),
                "states": selectors.STATE_LABELS,
                "severities": engine.Severity.LABELS,
                "can_send": services.may_send(request.user, run.organization),
            }
        )
    return render(request, "selfcheck/run.html", context)


@login_required
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled by HTMX every second while the run goes; when it has finished the
    page reloads itself (HX-Refresh) to show the findings."""
    run = _run(request, pk)
    response = render(
        request,
        "selfcheck/snippets/progress.html",
        {"run": run, "can_cancel": services.may_run(request.user, run.organization)},
    )
    if not run.is_active and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def run_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    try:
        services.run_cancel(actor=request.user, run=run)
    except ValidationError as exc:
        messages.info(request, "；".join(exc.messages))
    return redirect("selfcheck:run", pk=run.pk)


@login_required
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_for_user_or_404(
        RunFinding.objects.select_related("run", "organization"), request.user, pk=pk
    )
    r = engine.load_rules().get(finding.rule)
    return render(
        request,
        "selfcheck/finding.html",
        {
            "finding": finding,
            "rule": r,
            "links": [(link, link.url()) for link in finding.link_objects()],
            "can_send": services.may_send(request.user, finding.organization),
        },
    )


@login_required
@require_POST
def finding_send(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_for_user_or_404(
        RunFinding.objects.select_related("run", "organization"), request.user, pk=pk
    )
    try:
        ledger = services.finding_send_to_ledger(actor=request.user, finding=finding)
    except PermissionDenied:
        raise
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("selfcheck:finding", pk=finding.pk)
    messages.success(request, f"已移交整改台账（问题编号{ledger.pk}），请制定整改措施")
    target = request.POST.get("next", "")
    if target.startswith("/selfcheck/") and "//" not in target:
        return redirect(target)
    return redirect("selfcheck:finding", pk=finding.pk)


def _text_of(request: HttpRequest, key: str, pk: int) -> dict[str, Any]:
    src = textindex.source(key)
    if src is None or not src.available()[0]:
        raise Http404
    model = src.model_class()
    obj = get_for_user_or_404(model.objects.select_related("organization"), request.user, pk=pk)
    row = {"pk": obj.pk, src.field: getattr(obj, src.field), "organization_id": obj.organization_id}
    for name in src.extra:
        row[name] = getattr(obj, name)
    url_name, args = src.url(row) if src.url else ("", ())
    return {
        "obj": obj,
        "src": src,
        "row": row,
        "text": getattr(obj, src.field) or "",
        "title": src.title(row) if src.title else src.label,
        "link": engine.Link("", url_name, args).url(),
    }


@login_required
def compare(request: HttpRequest, a_key: str, a_id: int, b_key: str, b_id: int) -> HttpResponse:
    """Two texts side by side with their shared passages marked (computed here; each piece is
    escaped by the template)."""
    a, b = _text_of(request, a_key, a_id), _text_of(request, b_key, b_id)
    cfg = textindex.config()
    segments_a, segments_b, similarity = reports.compare_texts(a, b, cfg)
    return render(
        request,
        "selfcheck/compare.html",
        {
            "a": a,
            "b": b,
            "segments_a": segments_a,
            "segments_b": segments_b,
            "similarity_percent": round(similarity * 100),
        },
    )


@login_required
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    run = _run(request, pk)
    if run.is_active:
        raise Http404
    filters = selectors.FindingFilters.from_params(request.GET)
    rows = list(selectors.findings(run, request.user, filters))
    return reports.download(run, rows, fmt, actor=request.user)
