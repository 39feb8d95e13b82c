"""党费 pages: thin views over selectors (reads) and services (writes). Outside the caller's subtree is 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.accounts.roles import READ, WRITE, Domain, Role
from dangjian.audit.models import EventType
from dangjian.audit.services import audit_record
from dangjian.core.forms import apply_errors
from dangjian.core.params import int_param, year_param
from dangjian.core.scope import get_for_user_or_404, org_in_scope, require_org
from dangjian.core.xlsx import xlsx_response
from dangjian.dues import config, exports, imports, selectors, services
from dangjian.dues.forms import BaseForm, ImportForm, PaymentForm, RefundForm, RemittanceForm, ReverseForm
from dangjian.dues.ledger import month_of, year_months
from dangjian.dues.models import DuesBase, DuesPayment, DuesRemittance
from dangjian.dues.rates import describe
from dangjian.members.models import Member
from dangjian.orgs.models import Organization

IMPORT_SESSION_KEY = "dues_import"


def _org(request: HttpRequest, pk: int, action: str = READ) -> Organization:
    org = Organization.objects.filter(pk=pk).first()
    if org is None:
        raise Http404("未找到该党组织，或不在您的管辖范围内")
    require_org(request.user, org, Domain.RECORDS, action)
    return org


def _year(request: HttpRequest) -> int:
    today = timezone.localdate()
    raw = request.GET.get("year", "")
    return year_param(raw, today.year, first=1950)


def _years(selected: int) -> list[int]:
    this = timezone.localdate().year
    return sorted({*range(this - 6, this + 1), selected}, reverse=True)


def _can_write(request: HttpRequest, org: Organization) -> bool:
    return org_in_scope(request.user, org, Domain.RECORDS, WRITE)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.role == Role.MEMBER:
        return redirect("dues:mine")
    if not user.can(Domain.RECORDS):
        raise Http404
    return redirect("dues:overview", org_id=user.organization_id)


@login_required
def overview(request: HttpRequest, org_id: int) -> HttpResponse:
    org = _org(request, org_id)
    year = _year(request)
    today = timezone.localdate()
    months = [m for m in year_months(year) if m <= month_of(today)]  # months not yet due are left out
    coll = selectors.collection(org, months) if months else None
    arrears = selectors.arrears_list(org, today, config.warning_months())
    errors = sum(1 for a in arrears if a.severity == "error")
    return render(request, "dues/overview.html", {
        "org": org, "year": year, "years": _years(year), "collection": coll, "current": month_of(today),
        "arrears_errors": errors, "arrears_warnings": len(arrears) - errors,
        "error_months": config.error_months(), "warning_months": config.warning_months(),
        "can_write": _can_write(request, org), "ancestors_in_scope": _ancestors(request, org),
    })


def _ancestors(request: HttpRequest, org: Organization) -> list[Organization]:
    """Breadcrumbs: the organization's ancestors that are inside the caller's scope."""
    ids = org.ancestor_ids()
    found = {o.pk: o for o in Organization.objects.filter(pk__in=ids, path__startswith=request.user.organization.path)}
    return [found[i] for i in ids if i in found]


@login_required
def grid(request: HttpRequest, org_id: int) -> HttpResponse:
    org = _org(request, org_id)
    year = _year(request)
    data = selectors.dues_grid(org, year, timezone.localdate())
    return render(request, "dues/grid.html", {
        "org": org, "year": year, "years": _years(year), "grid": data, "can_write": _can_write(request, org),
        "ancestors_in_scope": _ancestors(request, org),
    })


@login_required
def arrears(request: HttpRequest, org_id: int) -> HttpResponse:
    org = _org(request, org_id)
    raw = request.GET.get("min", "")
    min_months = int_param(raw)
    if min_months is None or not 1 <= min_months <= 120:
        min_months = config.error_months()
    rows = selectors.arrears_list(org, timezone.localdate(), min_months)
    return render(request, "dues/arrears.html", {
        "org": org, "rows": rows, "min_months": min_months, "error_months": config.error_months(),
        "warning_months": config.warning_months(), "until": selectors.last_complete_month(timezone.localdate()),
    })


@login_required
def ledger_export(request: HttpRequest, org_id: int) -> HttpResponse:
    org = _org(request, org_id)
    year = _year(request)
    today = timezone.localdate()
    data = selectors.dues_grid(org, year, today)
    entries = list(
        DuesPayment.objects.filter(
            organization__path__startswith=org.path, first_month__lte=year_months(year)[-1],
            last_month__gte=year_months(year)[0],
        ).select_related("member").order_by("paid_on", "id")
    )
    recon = selectors.reconciliation(org, year, today)
    sheets = exports.ledger_sheets(data, entries, recon, today)
    with transaction.atomic():
        response = xlsx_response(f"{org.name}{year}年党费收缴台账.xlsx", sheets)
        audit_record(actor=request.user, event_type=EventType.EXPORT, subject=org, organization=org,
                     data={"what": "dues_ledger", "year": year, "rows": len(data.rows)})
    return response


@login_required
def import_bases(request: HttpRequest, org_id: int) -> HttpResponse:
    org = _org(request, org_id, WRITE)
    today = timezone.localdate()
    form = ImportForm(request.POST or None, request.FILES or None, initial={"year": today.year})
    context: dict[str, Any] = {"org": org, "form": form}
    stash_key = f"{IMPORT_SESSION_KEY}:{org.pk}"
    if request.method == "POST" and request.POST.get("confirm") == "1":
        stash = request.session.pop(stash_key, None)
        if not stash:
            messages.error(request, "预览已过期，请重新上传文件")
            return redirect("dues:import", org_id=org.pk)
        try:
            count = imports.dues_bases_import(actor=request.user, organization=org, year=stash["year"], rows=stash["rows"])
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("dues:import", org_id=org.pk)
        messages.success(request, f"已导入{stash['year']}年交纳基数{count}条")
        return redirect(reverse("dues:grid", args=[org.pk]) + f"?year={stash['year']}")
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        if not 1950 <= year <= today.year + 1:
            form.add_error("year", f"年度应在1950年至{today.year + 1}年之间")
        else:
            rows, errors = imports.read_base_file(
                actor=request.user, organization=org, year=year, upload=form.cleaned_data["file"]
            )
            context.update({"year": year, "rows": rows, "errors": errors})
            if not errors:
                request.session[stash_key] = {
                    "year": year, "rows": [(r.member.pk, r.income_type, str(r.base)) for r in rows]
                }
    return render(request, "dues/import.html", context)


@login_required
def remittances(request: HttpRequest, org_id: int) -> HttpResponse:
    org = _org(request, org_id)
    year = _year(request)
    recon = selectors.reconciliation(org, year, timezone.localdate())
    entries = list(
        DuesRemittance.objects.filter(organization=org, period_start__year=year)
        .select_related("to_organization", "original", "recorded_by").order_by("-remitted_on", "-id")
    )
    reversed_ids = {e.original_id for e in entries if e.original_id}
    reversed_ids |= set(
        DuesRemittance.objects.filter(original__in=[e.pk for e in entries]).values_list("original_id", flat=True)
    )
    return render(request, "dues/remittances.html", {
        "org": org, "year": year, "years": _years(year), "recon": recon, "entries": entries,
        "reversed_ids": reversed_ids, "can_write": _can_write(request, org),
    })


@login_required
def remittance_new(request: HttpRequest, org_id: int) -> HttpResponse:
    org = _org(request, org_id, WRITE)
    today = timezone.localdate()
    form = RemittanceForm(request.POST or None, initial={"remitted_on": today.isoformat()})
    if request.method == "POST" and form.is_valid():
        try:
            record = services.dues_remittance_create(actor=request.user, organization=org, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已登记上缴{record.amount}元（{record.span_label}）")
            return redirect(reverse("dues:remittances", args=[org.pk]) + f"?year={record.period_start.year}")
    return render(request, "dues/form.html", {
        "form": form, "title": f"登记党费上缴 · {org.name}", "back": reverse("dues:remittances", args=[org.pk]),
        "intro": f"上缴至{org.parent.name if org.parent else '上级党组织'}。金额精确到分；登记后不能修改，录错请冲正后重新登记。",
    })


@login_required
@require_POST
def remittance_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_for_user_or_404(DuesRemittance.objects.select_related("organization"), request.user, WRITE, pk=pk)
    form = ReverseForm(request.POST)
    if form.is_valid():
        try:
            services.dues_remittance_reverse(actor=request.user, remittance=record, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已冲正该上缴记录")
    else:
        messages.error(request, "请填写冲正原因")
    return redirect(reverse("dues:remittances", args=[record.organization_id]) + f"?year={record.period_start.year}")


# --- one member ---------------------------------------------------------------------------------


def _member(request: HttpRequest, pk: int, action: str = READ) -> Member:
    return get_for_user_or_404(Member.objects.select_related("organization"), request.user, action, pk=pk)


@login_required
def member(request: HttpRequest, pk: int) -> HttpResponse:
    m = _member(request, pk)
    return _member_page(request, m, self_service=request.user.member_id == m.pk)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    if request.user.member_id is None:
        raise Http404("您的账号未关联党员档案")
    m = _member(request, request.user.member_id)
    return _member_page(request, m, self_service=True)


def _member_page(request: HttpRequest, m: Member, *, self_service: bool) -> HttpResponse:
    today = timezone.localdate()
    data = selectors.member_dues(m, today)
    year = _year(request)
    shown = next((y for y in data.years if y.year == year), data.years[0] if data.years else None)
    return render(request, "dues/member.html", {
        "member": m, "dues": data, "shown": shown, "years": [y.year for y in data.years],
        "self_service": self_service, "can_write": org_in_scope(request.user, m.organization, Domain.RECORDS, WRITE),
        "error_months": config.error_months(), "warning_months": config.warning_months(),
    })


@login_required
def base_new(request: HttpRequest, pk: int) -> HttpResponse:
    m = _member(request, pk, WRITE)
    today = timezone.localdate()
    year = _year(request)
    existing = DuesBase.objects.filter(member=m, year=year).first()
    initial = {"year": year}
    if existing:
        initial.update({"income_type": existing.income_type, "base": existing.base,
                        "declared_amount": existing.declared_amount or "", "note": existing.note})
    form = BaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.dues_base_set(actor=request.user, member=m, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{m.name}{record.year}年月应交{record.monthly_amount}元（{record.rate_label}）")
            return redirect(reverse("dues:member", args=[m.pk]) + f"?year={record.year}")
    return render(request, "dues/form.html", {
        "form": form, "title": f"核定交纳基数 · {m.name}", "back": reverse("dues:member", args=[m.pk]),
        "intro": "交纳基数每年核定一次（一般在1月，按上年收入），全年不变。" + describe(config.rate_tables()[0])
                 if not existing else f"{year}年已核定（{existing.get_income_type_display()}，基数{existing.base}元），保存即更正，原记录留存历史。",
        "today": today,
    })


@login_required
def payment_new(request: HttpRequest, pk: int) -> HttpResponse:
    m = _member(request, pk, WRITE)
    today = timezone.localdate()
    base = DuesBase.objects.filter(member=m, year=today.year).first()
    initial = {"paid_on": today.isoformat(), "first_month": f"{today:%Y-%m}", "channel": "cash",
               "amount": base.monthly_amount if base else ""}
    form = PaymentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.dues_payment_create(actor=request.user, member=m, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已登记{m.name}交纳党费{entry.amount}元（{entry.span_label}）")
            return redirect(reverse("dues:member", args=[m.pk]) + f"?year={entry.first_month.year}")
    return render(request, "dues/form.html", {
        "form": form, "title": f"登记交纳党费 · {m.name}", "back": reverse("dues:member", args=[m.pk]),
        "intro": (f"{today.year}年月应交{base.monthly_amount}元（{base.rate_label}）。" if base else f"{today.year}年尚未核定交纳基数。")
        + "一笔可覆盖多个月（可跨年）；同一月份不能重复交纳；预交一般不超过"
        f"{config.advance_max_months()}个月。登记后不能修改，录错请冲正后重新登记。",
    })


def _entry(request: HttpRequest, pk: int) -> DuesPayment:
    return get_for_user_or_404(
        DuesPayment.objects.select_related("member", "organization"), request.user, WRITE, pk=pk
    )


@login_required
def payment_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    form = ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dues_payment_reverse(actor=request.user, payment=entry, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已冲正{entry.paid_on:%Y-%m-%d}的{entry.get_kind_display()}记录（{entry.amount}元）")
            return redirect(reverse("dues:member", args=[entry.member_id]) + f"?year={entry.first_month.year}")
    return render(request, "dues/form.html", {
        "form": form, "title": f"冲正 · {entry.member.name}", "back": reverse("dues:member", args=[entry.member_id]),
        "intro": f"将新增一条冲正记录（-{entry.amount}元，{entry.span_label}），原记录保留。冲正后可重新登记正确的交纳。",
        "confirm": "确定冲正这条记录吗？",
    })


@login_required
def payment_refund(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    today = timezone.localdate()
    form = RefundForm(request.POST or None, initial={
        "paid_on": today.isoformat(), "first_month": f"{entry.first_month:%Y-%m}",
        "last_month": f"{entry.last_month:%Y-%m}", "channel": entry.channel,
    })
    if request.method == "POST" and form.is_valid():
        try:
            services.dues_payment_refund(actor=request.user, payment=entry, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已登记退还{form.cleaned_data['amount']}元")
            return redirect(reverse("dues:member", args=[entry.member_id]) + f"?year={entry.first_month.year}")
    return render(request, "dues/form.html", {
        "form": form, "title": f"退还党费 · {entry.member.name}", "back": reverse("dues:member", args=[entry.member_id]),
        "intro": f"原记录：{entry.paid_on:%Y-%m-%d} {entry.get_kind_display()} {entry.amount}元（{entry.span_label}）。"
                 "退还只能针对原记录覆盖的月份，作为一条新记录登记。",
    })
