from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.accounts.roles import WRITE, Domain
from dangjian.core.forms import apply_errors
from dangjian.core.params import version_param
from dangjian.core.scope import get_for_user_or_404, org_in_scope, require_org
from dangjian.lib.masking import mask_id_number, mask_phone
from dangjian.members import services
from dangjian.members.forms import MemberForm, TransferInForm, TransferInternalForm, TransferOutForm
from dangjian.members.models import AgeBand, Member, MemberCategory, MemberStatus
from dangjian.members.selectors import MemberFilters
from dangjian.members.selectors import member_list as select_members
from dangjian.orgs.models import Organization

PAGE_SIZE = 50


def _orgs(request: HttpRequest):  # type: ignore[no-untyped-def]
    """Organizations the user may place members in (RECORDS scope, not ORGS)."""
    if not request.user.can(Domain.RECORDS):
        raise Http404
    return Organization.objects.subtree(request.user.organization)


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    if request.user.role == "member":
        return redirect("members:detail", pk=request.user.member_id)
    orgs = _orgs(request)
    filters = MemberFilters.from_params(request.GET, orgs)
    qs = select_members(Member.objects.for_user(request.user), filters, timezone.localdate())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"m": m, "age": m.age(timezone.localdate()), "phone": mask_phone(m.phone)} for m in page.object_list
    ]
    return render(
        request,
        "members/list.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "query": filters.as_query(),
            "orgs": orgs.active().exclude(kind="group"),
            "categories": MemberCategory.choices,
            "statuses": MemberStatus.choices,
            "age_bands": AgeBand.choices,
            "can_write": request.user.can(Domain.RECORDS, WRITE),
        },
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_for_user_or_404(Member.objects.select_related("organization", "group"), request.user, pk=pk)
    own = request.user.member_id == member.pk
    history = list(
        member.history.select_related("history_user").order_by("-history_date", "-history_id")[:30]
    )
    changes = []
    for record in history:
        prev = record.prev_record
        if prev is None:
            changes.append({"record": record, "fields": ["建档"]})
            continue
        delta = record.diff_against(
            prev, excluded_fields=["id_number_enc", "phone_enc", "id_number_hmac", "phone_hmac", "version"]
        )
        fields = [Member._meta.get_field(c.field).verbose_name for c in delta.changes]
        changes.append({"record": record, "fields": fields or ["（无字段变化）"]})
    return render(
        request,
        "members/detail.html",
        {
            "m": member,
            "own": own,
            "age": member.age(timezone.localdate()),
            "id_masked": member.id_number if own else mask_id_number(member.id_number),
            "phone_masked": member.phone if own else mask_phone(member.phone),
            "may_reveal": request.user.may_reveal_pii and not own,
            "can_write": org_in_scope(request.user, member.organization),
            "memberships": member.memberships.select_related("organization").order_by("since"),
            "transfers": member.transfers.select_related("from_org", "to_org"),
            "abroad": member.abroad_stays.all(),
            "changes": changes,
        },
    )


@login_required
@require_POST
def reveal(request: HttpRequest, pk: int, field: str) -> HttpResponse:
    member = get_for_user_or_404(Member, request.user, pk=pk)
    if field not in ("id_number", "phone") or not request.user.may_reveal_pii:
        raise Http404
    value = services.reveal_pii(actor=request.user, member=member, field=field)
    return render(request, "members/snippets/revealed.html", {"value": value})


@login_required
def create(request: HttpRequest) -> HttpResponse:
    orgs = _orgs(request)
    form = MemberForm(request.POST or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        org = form.cleaned_data["organization"]
        require_org(request.user, org)
        try:
            member = services.member_create(
                actor=request.user,
                organization=org,
                group=form.cleaned_data["group"],
                data=form.member_data(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已新增党员{member.name}")
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/form.html", {"form": form, "title": "新增党员"})


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_for_user_or_404(Member, request.user, WRITE, pk=pk)
    orgs = _orgs(request)
    initial = {f: getattr(member, f) for f in services.PLAIN_FIELDS} | {
        "id_number": member.id_number,
        "phone": member.phone,
        "organization": member.organization,
        "group": member.group,
    }
    form = MemberForm(request.POST or None, initial=initial, orgs=orgs)
    form.fields["organization"].disabled = True
    form.fields["organization"].help_text = "调整所在党支部请使用“组织关系调整”"
    form.fields["group"].disabled = True
    version = member.version
    if request.method == "POST" and "version" in request.POST:
        raw = request.POST["version"]
        # a version that is not a number was not read from this record: refused as stale, nothing saved
        version = version_param(raw)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(
                actor=request.user, member=member, data=form.member_data(), version=version
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("members:detail", pk=member.pk)
    return render(
        request,
        "members/form.html",
        {"form": form, "title": f"编辑党员 {member.name}", "version": version, "member": member},
    )


@login_required
def transfer_in(request: HttpRequest) -> HttpResponse:
    orgs = _orgs(request)
    form = TransferInForm(request.POST or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        org = form.cleaned_data["organization"]
        require_org(request.user, org)
        try:
            member = services.transfer_in(
                actor=request.user,
                organization=org,
                group=form.cleaned_data["group"],
                data=form.member_data(),
                date=form.cleaned_data["date"],
                counterpart=form.cleaned_data["counterpart"],
                letter_no=form.cleaned_data["letter_no"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已办理{member.name}的组织关系转入")
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/form.html", {"form": form, "title": "组织关系转入"})


@login_required
def transfer_out(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_for_user_or_404(Member, request.user, WRITE, pk=pk)
    form = TransferOutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer_out(
                actor=request.user,
                member=member,
                version=version_param(request.POST.get("version")),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已办理{member.name}的组织关系转出")
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/transfer.html", {"form": form, "m": member, "title": "组织关系转出"})


@login_required
def transfer_internal(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_for_user_or_404(Member, request.user, WRITE, pk=pk)
    form = TransferInternalForm(request.POST or None, orgs=_orgs(request))
    if request.method == "POST" and form.is_valid():
        require_org(request.user, form.cleaned_data["to_org"])
        try:
            services.transfer_internal(
                actor=request.user,
                member=member,
                version=version_param(request.POST.get("version")),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已将{member.name}调整至{form.cleaned_data['to_org'].name}")
            return redirect("members:detail", pk=member.pk)
    return render(
        request, "members/transfer.html", {"form": form, "m": member, "title": "组织关系调整（系统内）"}
    )
