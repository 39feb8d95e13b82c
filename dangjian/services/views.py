"""Pages of services to residents. Thin: forms convert, services write, selectors read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.accounts.roles import WRITE, Domain, Role
from dangjian.audit.models import EventType
from dangjian.audit.services import audit_record
from dangjian.core.documents import DOCX_MIME, Block, build_document
from dangjian.core.forms import apply_errors
from dangjian.core.params import int_param, version_param, year_param
from dangjian.core.scope import get_for_user_or_404, require_org
from dangjian.core.xlsx import Sheet, xlsx_response
from dangjian.members.models import Member, MemberCategory
from dangjian.orgs.models import Organization, OrgKind
from dangjian.services import selectors, services
from dangjian.services.forms import (
    CareEventForm,
    CheckInForm,
    FundEntryForm,
    HonorForm,
    RequestAdvanceForm,
    RequestForm,
    ReverseForm,
    ServiceRecordForm,
    TeamForm,
    VisitForm,
)
from dangjian.services.models import (
    CareEvent,
    CommunityCheckIn,
    Festival,
    Fund,
    FundEntry,
    Honor,
    RequestStatus,
    ServiceParticipation,
    ServiceRecord,
    ServiceRequest,
    Visit,
    VolunteerTeam,
)


def _reader(request: HttpRequest) -> None:
    if request.user.role == Role.MEMBER or not request.user.can(Domain.RECORDS):
        raise Http404


def _writer(request: HttpRequest) -> None:
    if request.user.role == Role.MEMBER or not request.user.can(Domain.RECORDS, WRITE):
        raise Http404


def _orgs(request: HttpRequest) -> Any:
    return Organization.objects.subtree(request.user.organization).active().exclude(kind=OrgKind.GROUP)


def _members(request: HttpRequest) -> Any:
    return Member.objects.for_user(request.user).current().order_by("name")


def _root(request: HttpRequest) -> Organization:
    """The organization the page is about: ?org= inside the user's subtree, else the user's own."""
    org_id = request.GET.get("org", "")
    if (org_pk := int_param(org_id)) is not None:
        org = _orgs(request).filter(pk=org_pk).first()
        if org is None:
            raise Http404
        return org
    return request.user.organization


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = dt.date(today.year, 1, 1)
    try:
        end = dt.date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        end = today
    return (start, end) if start <= end else (end, start)


def _form_page(
    request: HttpRequest,
    form: Any,
    title: str,
    save: Callable[[dict[str, Any]], str],
    done: str,
    org_field: str = "organization",
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if org_field in data and data[org_field] is not None:
            require_org(request.user, data[org_field])
        try:
            message = save(data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect(done)
    return render(request, "core/form_page.html", {"form": form, "title": title, "cancel": done})


# ---- the period summary (seed 004's questions) --------------------------------------------------


@login_required
def summary(request: HttpRequest) -> HttpResponse:
    _reader(request)
    root, (start, end) = _root(request), _period(request)
    s = selectors.summary(root, start, end, timezone.localdate())
    if request.GET.get("format") == "xlsx":
        audit_record(
            actor=request.user,
            event_type=EventType.EXPORT,
            organization=root,
            object_type="services.summary",
            object_repr="服务群众工作统计",
            data={"start": start, "end": end},
        )
        rows = [
            ["开展服务（次）", s.services],
            ["服务时长（小时）", s.service_hours],
            ["参与服务党员（人）", s.volunteers],
            ["帮扶困难户（户）", s.households_helped],
            ["培训（人次）", s.people_trained],
            ["服务群众（人次）", s.people_served],
            ["走访慰问（次）", s.visits],
            ["发放慰问金（元）", s.visit_amount],
            ["受理群众诉求（件）", s.requests_received],
            ["办结群众诉求（件）", s.requests_closed],
            ["代办服务（件）", s.errands_done],
            ["调解矛盾纠纷（件）", s.disputes_mediated],
            ["逾期未办结（件）", s.overdue_requests],
            *[[label, n] for label, n in s.care_by_kind],
        ]
        team_rows = [[team, n, hours] for team, n, hours in s.hours_by_team]
        caption = f"{root.name}服务群众工作统计（{start:%Y年%m月%d日}至{end:%Y年%m月%d日}）"
        return xlsx_response(
            f"服务群众统计-{start:%Y%m%d}-{end:%Y%m%d}.xlsx",
            [
                Sheet("总体情况", ["项目", "数量"], rows, caption=caption, widths=[28, 14]),
                Sheet("各服务队时长", ["服务队", "服务次数", "服务时长（小时）"], team_rows, caption=caption),
            ],
        )
    return render(
        request,
        "services/summary.html",
        {"s": s, "root": root, "orgs": _orgs(request), "start": start, "end": end},
    )


# ---- volunteer teams and service records ------------------------------------------------------------


@login_required
def teams(request: HttpRequest) -> HttpResponse:
    _reader(request)
    start, end = _period(request)
    team_list = list(
        VolunteerTeam.objects.for_user(request.user)
        .select_related("organization", "leader")
        .prefetch_related("members")
    )
    hours = dict(
        ServiceParticipation.objects.filter(record__team__in=team_list, record__date__range=(start, end))
        .values_list("record__team")
        .annotate(h=Sum("hours"))
    )
    rows = [(t, hours.get(t.pk, 0)) for t in team_list]
    records = ServiceRecord.objects.for_user(request.user).select_related("team", "organization")[:30]
    return render(
        request, "services/teams.html", {"rows": rows, "records": records, "start": start, "end": end}
    )


@login_required
def team_create(request: HttpRequest) -> HttpResponse:
    _writer(request)
    form = TeamForm(request.POST or None, orgs=_orgs(request), members=_members(request))
    return _form_page(
        request,
        form,
        "成立志愿服务队",
        lambda d: f"已成立{services.team_create(actor=request.user, **d).name}",
        reverse("services:teams"),
    )


@login_required
def record_create(request: HttpRequest) -> HttpResponse:
    _writer(request)
    form = ServiceRecordForm(
        request.POST or None,
        orgs=_orgs(request),
        members=_members(request),
        teams=VolunteerTeam.objects.for_user(request.user),
    )

    def save(d: dict[str, Any]) -> str:
        hours = d.pop("hours")
        d["participants"] = [(m, hours) for m in d["participants"]]
        record = services.service_record_create(actor=request.user, **d)
        return f"已记录{record.date:%m月%d日}的服务，{len(d['participants'])}人参加"

    return _form_page(request, form, "记录服务", save, reverse("services:teams"))


# ---- in-service members ---------------------------------------------------------------------------


@login_required
def check_ins(request: HttpRequest) -> HttpResponse:
    _reader(request)
    start, end = _period(request)
    entries = list(CommunityCheckIn.objects.for_user(request.user).select_related("member", "community"))
    hours = selectors.member_hours([e.member_id for e in entries], start, end)
    return render(
        request,
        "services/check_ins.html",
        {"rows": [(e, hours.get(e.member_id, 0)) for e in entries], "start": start, "end": end},
    )


@login_required
def check_in_create(request: HttpRequest) -> HttpResponse:
    _writer(request)
    communities = _orgs(request).filter(kind__in=[OrgKind.COMMUNITY_COMMITTEE, OrgKind.GENERAL_BRANCH])
    form = CheckInForm(
        request.POST or None,
        orgs=communities,
        members=_members(request).filter(category=MemberCategory.IN_SERVICE),
    )
    return _form_page(
        request,
        form,
        "在职党员到社区报到",
        lambda d: f"{services.check_in(actor=request.user, **d).member.name}已报到",
        reverse("services:check_ins"),
        "community",
    )


@login_required
def off_hours_report(request: HttpRequest, pk: int) -> HttpResponse:
    """八小时以外表现反馈: a Word document for the member's employer, from the records of the period."""
    _reader(request)
    entry = get_for_user_or_404(
        CommunityCheckIn.objects.select_related("member", "community"), request.user, pk=pk
    )
    start, end = _period(request)
    parts = list(
        ServiceParticipation.objects.filter(member=entry.member, record__date__range=(start, end))
        .select_related("record")
        .order_by("record__date")
    )
    total = sum((p.hours for p in parts), 0)
    blocks = [
        Block("plain", f"{entry.employer_party_org}："),
        Block(
            "body",
            f"根据在职党员到社区报到和八小时以外管理有关要求，现将贵单位党员{entry.member.name}同志"
            f"{start:%Y年%m月%d日}至{end:%Y年%m月%d日}在{entry.community.name}参加活动情况反馈如下。",
        ),
        Block("h1", "一、报到情况"),
        Block(
            "body",
            f"{entry.member.name}同志于{entry.checked_in_on:%Y年%m月%d日}到{entry.community.name}报到。",
        ),
        Block("h1", "二、参加社区服务情况"),
        Block(
            "body",
            f"期间共参加社区服务{len(parts)}次，累计服务{total}小时。"
            if parts
            else "期间未参加社区组织的服务活动。",
        ),
        *[
            Block(
                "body",
                f"{p.record.date:%Y年%m月%d日}，{p.record.get_kind_display()}：{p.record.content}（{p.hours}小时）",
            )
            for p in parts
        ],
        Block("h1", "三、社区党组织意见"),
        Block("body", "【待填写：社区党组织对该同志八小时以外表现的评价】"),
        Block("plain", entry.community.name, align="right"),
        Block("plain", f"{timezone.localdate():%Y年%m月%d日}", align="right"),
    ]
    data = build_document("在职党员八小时以外表现情况反馈", blocks)
    audit_record(
        actor=request.user,
        event_type=EventType.EXPORT,
        subject=entry,
        organization=entry.community,
        data={"report": "off_hours", "start": start, "end": end},
    )
    response = HttpResponse(data, content_type=DOCX_MIME)
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(f'八小时以外表现反馈-{entry.member.name}.docx')}"
    )
    return response


# ---- visits -----------------------------------------------------------------------------------------


@login_required
def visits(request: HttpRequest) -> HttpResponse:
    _reader(request)
    today = timezone.localdate()
    festival = request.GET.get("festival", Festival.SPRING)
    if festival not in (Festival.SPRING, Festival.JULY_FIRST, Festival.MID_AUTUMN):
        festival = Festival.SPRING
    year = year_param(request.GET.get("year"), today.year)
    root = _root(request)
    day, rows = selectors.festival_visits(root, festival, year)
    recent = (
        Visit.objects.for_user(request.user)
        .select_related("visited_member")
        .prefetch_related("visitors")[:30]
    )
    return render(
        request,
        "services/visits.html",
        {
            "rows": rows,
            "day": day,
            "festival": festival,
            "year": year,
            "festivals": [c for c in Festival.choices if c[0]],
            "recent": recent,
            "missing": sum(1 for r in rows if r.visited_on is None),
        },
    )


@login_required
def visit_create(request: HttpRequest) -> HttpResponse:
    _writer(request)
    form = VisitForm(request.POST or None, orgs=_orgs(request), members=_members(request))
    return _form_page(
        request,
        form,
        "记录走访慰问",
        lambda d: (services.visit_create(actor=request.user, **d), "已记录走访慰问")[1],
        reverse("services:visits"),
    )


# ---- requests and mediation ---------------------------------------------------------------------------


@login_required
def requests_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    today = timezone.localdate()
    qs = ServiceRequest.objects.for_user(request.user).select_related("organization")
    status = request.GET.get("status", "")
    if status == "overdue":
        qs = selectors.overdue_requests(qs, today)
    elif status in RequestStatus.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "services/requests.html",
        {"items": qs[:200], "status": status, "statuses": RequestStatus.choices, "today": today},
    )


@login_required
def request_create(request: HttpRequest) -> HttpResponse:
    _writer(request)
    form = RequestForm(request.POST or None, orgs=_orgs(request))
    return _form_page(
        request,
        form,
        "受理群众诉求",
        lambda d: (services.request_create(actor=request.user, **d), "已受理")[1],
        reverse("services:requests"),
    )


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    item = get_for_user_or_404(ServiceRequest.objects.select_related("organization"), request.user, pk=pk)
    form = RequestAdvanceForm(request.POST or None, initial={"date": timezone.localdate()})
    nxt = services.NEXT.get(RequestStatus(item.status))
    if request.method == "POST":
        _writer(request)
        item = get_for_user_or_404(ServiceRequest, request.user, WRITE, pk=pk)
        if form.is_valid() and nxt is not None:
            try:
                services.request_advance(
                    actor=request.user,
                    request=item,
                    to=nxt,
                    version=version_param(request.POST.get("version")),
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"已更新为“{RequestStatus(nxt).label}”")
                return redirect("services:request_detail", pk=pk)
    history = list(item.history.order_by("history_date").values("history_date", "status"))
    return render(
        request,
        "services/request_detail.html",
        {
            "r": item,
            "form": form,
            "next": RequestStatus(nxt).label if nxt else None,
            "history": history,
            "phone": item.resident_phone[-4:] if item.resident_phone else "",
        },
    )


# ---- mutual aid, honors ----------------------------------------------------------------------------


@login_required
def care_events(request: HttpRequest) -> HttpResponse:
    _reader(request)
    return render(
        request,
        "services/care.html",
        {"events": CareEvent.objects.for_user(request.user).select_related("organization")[:100]},
    )


@login_required
def care_event_create(request: HttpRequest) -> HttpResponse:
    _writer(request)
    form = CareEventForm(request.POST or None, orgs=_orgs(request))
    return _form_page(
        request,
        form,
        "记录爱心驿站活动",
        lambda d: (services.care_event_create(actor=request.user, **d), "已记录")[1],
        reverse("services:care"),
    )


@login_required
def honors(request: HttpRequest) -> HttpResponse:
    _reader(request)
    return render(
        request,
        "services/honors.html",
        {"honors": Honor.objects.for_user(request.user).select_related("organization", "member")[:200]},
    )


@login_required
def honor_create(request: HttpRequest) -> HttpResponse:
    _writer(request)
    form = HonorForm(request.POST or None, orgs=_orgs(request), members=_members(request))
    return _form_page(
        request,
        form,
        "登记表彰",
        lambda d: (services.honor_create(actor=request.user, **d), "已登记")[1],
        reverse("services:honors"),
    )


# ---- points ----------------------------------------------------------------------------------------


@login_required
def points(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    year = year_param(request.GET.get("year"), today.year)
    if request.user.role == Role.MEMBER:
        member = request.user.member
        own = [p for p in selectors.points(member.organization, year) if p.member.pk == member.pk]
        return render(
            request,
            "services/points.html",
            {"rows": own, "year": year, "own": True, "rules": selectors.rules_for(member.organization)},
        )
    _reader(request)
    root = _root(request)
    rows = selectors.points(root, year)
    return render(
        request,
        "services/points.html",
        {
            "rows": rows,
            "year": year,
            "root": root,
            "orgs": _orgs(request),
            "rules": selectors.rules_for(root),
        },
    )


# ---- funds -----------------------------------------------------------------------------------------


@login_required
def funds(request: HttpRequest) -> HttpResponse:
    _reader(request)
    today = timezone.localdate()
    year = year_param(request.GET.get("year"), today.year)
    fund_list = list(Fund.objects.for_user(request.user).select_related("organization"))
    statements = selectors.fund_statements(fund_list, year)
    if request.GET.get("format") == "xlsx":
        audit_record(
            actor=request.user,
            event_type=EventType.EXPORT,
            organization=request.user.organization,
            object_type="services.Fund",
            object_repr="经费年度收支表",
            data={"year": year},
        )
        rows = [
            [
                s.fund.organization.name,
                s.fund.name,
                s.fund.get_kind_display(),
                s.opening,
                s.income,
                s.expense,
                s.closing,
                len(s.flagged),
            ]
            for s in statements
        ]
        entries = (
            FundEntry.objects.filter(fund__in=fund_list, date__year=year)
            .select_related("fund")
            .order_by("fund", "date", "id")
        )
        lines = [
            [
                e.fund.name,
                e.date,
                e.get_direction_display(),
                e.amount,
                e.purpose,
                e.approver,
                e.voucher_no or ("有附件" if e.voucher else ""),
            ]
            for e in entries
        ]
        return xlsx_response(
            f"经费收支-{year}.xlsx",
            [
                Sheet(
                    "年度收支表",
                    ["党组织", "账户", "类别", "年初余额", "本年收入", "本年支出", "年末余额", "待补手续"],
                    rows,
                    caption=f"{year}年经费收支情况",
                ),
                Sheet(
                    "收支明细",
                    ["账户", "日期", "收支", "金额", "用途/来源", "审批人", "凭证"],
                    lines,
                    caption=f"{year}年经费收支明细",
                ),
            ],
        )
    return render(request, "services/funds.html", {"statements": statements, "year": year})


@login_required
def fund_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    fund = get_for_user_or_404(Fund.objects.select_related("organization"), request.user, pk=pk)
    form = FundEntryForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST":
        _writer(request)
        fund = get_for_user_or_404(Fund, request.user, WRITE, pk=pk)
        if form.is_valid():
            try:
                services.fund_entry_create(actor=request.user, fund=fund, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "已记账")
                return redirect("services:fund_detail", pk=pk)
    entries = list(fund.entries.order_by("date", "id"))
    reversed_ids = {e.reverses_id for e in entries if e.reverses_id}
    balance, rows = 0, []
    for e in entries:
        balance += e.signed_amount
        rows.append((e, balance, e.reverses_id is None and e.pk not in reversed_ids))
    return render(
        request,
        "services/fund_detail.html",
        {"fund": fund, "rows": rows, "form": form, "reverse_form": ReverseForm()},
    )


@login_required
@require_POST
def fund_entry_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    _writer(request)
    entry = get_for_user_or_404(
        FundEntry.objects.select_related("fund__organization"), request.user, WRITE, pk=pk
    )
    form = ReverseForm(request.POST)
    if form.is_valid():
        try:
            services.fund_entry_reverse(actor=request.user, entry=entry, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已冲销，原记录保留")
    else:
        messages.error(request, "请填写冲销日期和原因")
    return redirect("services:fund_detail", pk=entry.fund_id)
