"""Pages of organizational life. Thin: scope check, one selector or service call, render or redirect."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.accounts.roles import READ, WRITE, Domain, Role
from dangjian.audit.models import EventType
from dangjian.audit.services import audit_record
from dangjian.core.params import int_list, int_param, version_param, year_param
from dangjian.core.scope import get_for_user_or_404, org_in_scope, require_org
from dangjian.core.xlsx import xlsx_response
from dangjian.life import obligations, selectors, services
from dangjian.life.forms import (
    GRADE_CHOICES,
    REASON_CHOICES,
    ActivityForm,
    AttachmentForm,
    DutyReportForm,
    PlanItemForm,
    TalkForm,
    guests_text,
    year_choices,
)
from dangjian.life.ledger import ledger_sheets
from dangjian.life.minutes_templates import template_for
from dangjian.life.models import (
    AbsenceReason,
    Activity,
    ActivityKind,
    Attachment,
    DutyReport,
    StudyPlanItem,
    Talk,
)
from dangjian.life.validation import LABELS, allowed_kinds
from dangjian.members.models import Member, MemberCategory
from dangjian.orgs.models import Organization, OrgKind


def _org(request: HttpRequest, org_id: int, action: str = READ) -> Organization:
    org = get_object_or_404(Organization, pk=org_id)
    require_org(request.user, org, Domain.RECORDS, action)
    return org


def _year(request: HttpRequest) -> int:
    today = timezone.localdate()
    return year_param(request.GET.get("year"), today.year)


def _can_write(request: HttpRequest, org: Organization) -> bool:
    return org_in_scope(request.user, org, Domain.RECORDS, WRITE)


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


def _apply_errors(form: Any, exc: ValidationError) -> dict[str, list[str]]:
    """Put a service's field errors on the form; return the ones that have no form field."""
    rest: dict[str, list[str]] = {}
    for name, msgs in _messages(exc).items():
        if form is not None and (name in form.fields or name == "__all__"):
            for m in msgs:
                form.add_error(None if name == "__all__" else name, m)
        else:
            rest.setdefault(name, []).extend(msgs)
    return rest


def _non_field(rest: dict[str, list[str]], skip: tuple[str, ...] = ()) -> list[str]:
    return [
        f"{LABELS.get(k, '')}：{m}" if k in LABELS else m
        for k, ms in rest.items()
        if k not in skip
        for m in ms
    ]


# --- lists and overviews -----------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.role == Role.MEMBER:
        return redirect("life:me")
    if not user.can(Domain.RECORDS):
        raise Http404
    kind = request.GET.get("kind", "")
    kind = kind if kind in ActivityKind.values else ""
    year = _year(request) if request.GET.get("year") else None
    org = None
    if (org_pk := int_param(request.GET.get("org"))) is not None:
        org = _org(request, org_pk)
    qs = selectors.activity_list(user, org=org, kind=kind, year=year)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    orgs = list(selectors.branches_in_scope(user))
    return render(
        request,
        "life/index.html",
        {
            "page": page,
            "orgs": orgs,
            "org": org,
            "kind": kind,
            "year": year,
            "kinds": ActivityKind.choices,
            "years": year_choices(timezone.localdate()),
            "home_org": user.organization,
            "writable": [o for o in orgs if o.kind in (OrgKind.BRANCH, OrgKind.GROUP)]
            if user.can(Domain.RECORDS, WRITE)
            else [],
        },
    )


@login_required
def org_overview(request: HttpRequest, org_id: int) -> HttpResponse:
    """The organization's calendar: what it owes this month, this quarter, this year; recent activities."""
    org = _org(request, org_id)
    today = timezone.localdate()
    calendar = obligations.compute(org, [today.year], today)
    current = calendar.current(org)
    recent = selectors.activity_list(request.user, org=org)[:10]
    return render(
        request,
        "life/org.html",
        {
            "org": org,
            "current": current,
            "recent": recent,
            "today": today,
            "can_write": _can_write(request, org),
            "late": [o for o in calendar.late() if o.org.pk == org.pk or o.org.parent_id == org.pk][:20],
            "record_kinds": allowed_kinds(org) if org.kind in (OrgKind.BRANCH, OrgKind.GROUP) else [],
        },
    )


@login_required
def compliance(request: HttpRequest, org_id: int) -> HttpResponse:
    """Every branch of the subtree × every frequency rule for the chosen year (a fixed number of queries)."""
    org = _org(request, org_id)
    year = _year(request)
    today = timezone.localdate()
    result = obligations.compute(org, [year], today)
    rows = result.rows()
    return render(
        request,
        "life/compliance.html",
        {
            "org": org,
            "year": year,
            "years": year_choices(today),
            "rules": result.rules,
            "rows": rows,
            "late_total": sum(r.late for r in rows),
        },
    )


# --- recording ----------------------------------------------------------------------------------------


def _suggested_reason(member: Member) -> str:
    if member.mobility_impaired:
        return AbsenceReason.MOBILITY
    if member.category == MemberCategory.FLOATING:
        return AbsenceReason.AWAY
    if member.elderly:
        return AbsenceReason.SICK
    return ""


def _attendance_rows(expected: list[selectors.Expected], post: Any = None) -> list[dict[str, Any]]:
    rows = []
    shown = set(int_list(post.getlist("expected"))) if post is not None else set()
    attended = set(int_list(post.getlist("attended"))) if post is not None else set()
    for e in expected:
        pk = e.member.pk
        if post is not None and pk in shown:
            rows.append(
                {
                    "e": e,
                    "checked": pk in attended,
                    "reason": post.get(f"reason_{pk}", ""),
                    "note": post.get(f"note_{pk}", ""),
                }
            )
        else:
            rows.append({"e": e, "checked": True, "reason": _suggested_reason(e.member), "note": ""})
    return rows


def _existing_rows(activity: Activity, expected: list[selectors.Expected]) -> list[dict[str, Any]]:
    marks = {a.member_id: a for a in activity.attendances.all()}
    rows = []
    for e in expected:
        a = marks.get(e.member.pk)
        rows.append(
            {
                "e": e,
                "checked": a.attended if a else True,
                "reason": a.absence_reason if a else "",
                "note": a.absence_note if a else "",
            }
        )
    return rows


def _record_kind(request: HttpRequest, org: Organization) -> str:
    kinds = dict(allowed_kinds(org))
    kind = request.POST.get("kind") or request.GET.get("kind") or ""
    if kind not in kinds:
        kind = ActivityKind.GROUP_MEETING if org.kind == OrgKind.GROUP else ActivityKind.COMMITTEE_MEETING
    return kind


@login_required
def record(request: HttpRequest, org_id: int) -> HttpResponse:
    """Phone-first: kind, date/time, place, host, the expected list ticked by default, absent reasons,
    minutes prefilled from the kind's template. One page, one submit."""
    org = _org(request, org_id, WRITE)
    if org.kind not in (OrgKind.BRANCH, OrgKind.GROUP, OrgKind.GENERAL_BRANCH, OrgKind.COMMUNITY_COMMITTEE):
        raise Http404
    kind = _record_kind(request, org)
    people = selectors.people_choices(org)
    today = timezone.localdate()
    other_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = ActivityForm(request.POST, kind=kind, people=people)
        if form.is_valid():
            try:
                activity = services.activity_create(
                    actor=request.user, organization=org, data=form.to_input(request.POST)
                )
            except ValidationError as exc:
                other_errors = _apply_errors(form, exc)
            else:
                _flash_saved(request, activity)
                return redirect("life:activity", pk=activity.pk)
        day = form.cleaned_data.get("date") if hasattr(form, "cleaned_data") else None
        expected = selectors.expected_members(org, kind, day) if day and day <= today else []
        rows = _attendance_rows(expected, request.POST)
    else:
        secretary = _default_host(org, people, today)
        form = ActivityForm(
            kind=kind,
            people=people,
            initial={"date": today, "minutes": template_for(kind), "host": secretary, "recorder": None},
        )
        expected = selectors.expected_members(org, kind, today)
        rows = _attendance_rows(expected)
    return render(
        request,
        "life/record.html",
        {
            "org": org,
            "form": form,
            "kind": kind,
            "kind_label": ActivityKind(kind).label,
            "kinds": allowed_kinds(org),
            "rows": rows,
            "reasons": REASON_CHOICES,
            "attendance_errors": other_errors.get("attendance", []),
            "other_errors": _non_field(other_errors, skip=("attendance",)),
            "action": "record",
        },
    )


def _default_host(org: Organization, people: list[Member], today: dt.date) -> int | None:
    expected = (
        selectors.expected_members(org, ActivityKind.COMMITTEE_MEETING, today)
        if org.kind != OrgKind.GROUP
        else []
    )
    for e in expected:
        if e.role == "书记":
            return e.member.pk
    return None


def _flash_saved(request: HttpRequest, activity: Activity) -> None:
    messages.success(request, "已保存。")
    for w in activity.warnings:
        messages.warning(request, f"提醒：{w['message']}")


@login_required
def expected_fragment(request: HttpRequest, org_id: int) -> HttpResponse:
    """HTMX: the expected list for a kind and a date (recomputed when the date changes)."""
    org = _org(request, org_id, WRITE)
    kind = _record_kind(request, org)
    try:
        day = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = None
    problem = ""
    expected: list[selectors.Expected] = []
    if day is None:
        problem = "请先选择日期"
    elif day > timezone.localdate():
        problem = "已召开的会议日期不能晚于今天"
    else:
        expected = selectors.expected_members(org, kind, day)
    return render(
        request,
        "life/snippets/attendance.html",
        {
            "rows": _attendance_rows(expected),
            "reasons": REASON_CHOICES,
            "problem": problem,
            "kind": kind,
        },
    )


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_for_user_or_404(
        Activity.objects.select_related("organization", "host", "recorder", "lecturer", "recorded_by"),
        request.user,
        pk=pk,
    )
    attendances = list(
        activity.attendances.select_related("member").order_by("-attended", "member__name_initials")
    )
    guests = list(activity.guests.all())
    counts = selectors.attendance_counts(attendances, len(guests))
    is_member = request.user.role == Role.MEMBER
    can_write = not is_member and _can_write(request, activity.organization)
    return render(
        request,
        "life/activity.html",
        {
            "a": activity,
            "attendances": attendances,
            "guests": guests,
            "counts": counts,
            "can_write": can_write,
            "attachments": list(activity.attachments.all()),
            "upload_form": AttachmentForm() if can_write else None,
            "history": activity.history.order_by("-history_date")[:10] if not is_member else [],
        },
    )


@login_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_for_user_or_404(
        Activity.objects.select_related("organization"), request.user, WRITE, pk=pk
    )
    org = activity.organization
    people = selectors.people_choices(org)
    other_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = ActivityForm(request.POST, kind=activity.kind, people=people)
        if form.is_valid():
            try:
                version = version_param(request.POST.get("version"))
                activity = services.activity_update(
                    actor=request.user, activity=activity, data=form.to_input(request.POST), version=version
                )
            except ValidationError as exc:
                other_errors = _apply_errors(form, exc)
            else:
                _flash_saved(request, activity)
                return redirect("life:activity", pk=activity.pk)
        day = form.cleaned_data.get("date") if hasattr(form, "cleaned_data") else None
        expected = (
            selectors.expected_members(org, activity.kind, day) if day and day <= timezone.localdate() else []
        )
        rows = _attendance_rows(expected, request.POST)
    else:
        form = ActivityForm(
            kind=activity.kind,
            people=people,
            initial={
                "date": activity.date,
                "start_time": activity.start_time,
                "place": activity.place,
                "host": activity.host_id,
                "recorder": activity.recorder_id,
                "topic": activity.topic,
                "minutes": activity.minutes,
                "resolutions": activity.resolutions,
                "lecturer": activity.lecturer_id,
                "lecturer_name": activity.lecturer_name,
                "lecture_title": activity.lecture_title,
                "guests": guests_text(list(activity.guests.all())),
            },
        )
        rows = _existing_rows(activity, selectors.expected_members(org, activity.kind, activity.date))
    return render(
        request,
        "life/record.html",
        {
            "org": org,
            "form": form,
            "kind": activity.kind,
            "kind_label": activity.get_kind_display(),
            "kinds": [],
            "rows": rows,
            "reasons": REASON_CHOICES,
            "attendance_errors": other_errors.get("attendance", []),
            "other_errors": _non_field(other_errors, skip=("attendance",)),
            "action": "edit",
            "activity": activity,
        },
    )


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_for_user_or_404(
        Activity.objects.select_related("organization"), request.user, WRITE, pk=pk
    )
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要上传的文件")
        return redirect("life:activity", pk=pk)
    try:
        services.attachment_add(actor=request.user, activity=activity, upload=form.cleaned_data["file"])
    except ValidationError as exc:
        for msgs in _messages(exc).values():
            for m in msgs:
                messages.error(request, m)
        return redirect("life:activity", pk=pk)
    messages.success(request, "附件已上传。")
    return redirect("life:activity", pk=pk)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Only through this view, within scope, always as a download (never rendered inline)."""
    att = get_for_user_or_404(
        Attachment.objects.select_related("activity__organization"), request.user, pk=pk
    )
    audit_record(
        actor=request.user,
        event_type=EventType.EXPORT,
        subject=att,
        organization=att.activity.organization,
        data={"download": att.original_name},
    )
    response = FileResponse(att.file.open("rb"), content_type=att.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(att.original_name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- per member ---------------------------------------------------------------------------------------


@login_required
def member_record(request: HttpRequest, member_id: int) -> HttpResponse:
    member = get_for_user_or_404(Member, request.user, pk=member_id)
    year = _year(request) if request.GET.get("year") else None
    record_ = selectors.member_record(member, year)
    return render(
        request,
        "life/member.html",
        {
            "member": member,
            "record": record_,
            "year": year,
            "years": year_choices(timezone.localdate()),
            "self_service": request.user.role == Role.MEMBER,
        },
    )


@login_required
def my_record(request: HttpRequest) -> HttpResponse:
    if request.user.member_id is None:
        raise Http404
    return member_record(request, request.user.member_id)


# --- talks, appraisal, duty reports, study plan --------------------------------------------------


@login_required
def talks(request: HttpRequest, org_id: int) -> HttpResponse:
    org = _org(request, org_id)
    year = _year(request)
    people = selectors.people_choices(org)
    form = TalkForm(people=people, initial={"date": timezone.localdate()})
    if request.method == "POST":
        require_org(request.user, org, Domain.RECORDS, WRITE)
        form = TalkForm(request.POST, people=people)
        if form.is_valid():
            c = form.cleaned_data
            by_id = {m.pk: m for m in people}
            try:
                services.talk_create(
                    actor=request.user,
                    organization=org,
                    participant_a=by_id.get(c["participant_a"]),
                    participant_b=by_id.get(c["participant_b"]),
                    date=c["date"],
                    place=c["place"],
                    summary=c["summary"],
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, "谈心谈话记录已保存。")
                return redirect(f"{request.path}?year={c['date'].year}")
    items = Talk.objects.filter(organization=org, date__year=year).select_related(
        "participant_a", "participant_b"
    )
    return render(
        request,
        "life/talks.html",
        {
            "org": org,
            "year": year,
            "years": year_choices(timezone.localdate()),
            "talks": items,
            "coverage": selectors.talk_coverage(org, year),
            "form": form,
            "can_write": _can_write(request, org),
        },
    )


@login_required
def appraisals(request: HttpRequest, org_id: int) -> HttpResponse:
    org = _org(request, org_id)
    year = _year(request)
    errors: list[str] = []
    if request.method == "POST":
        require_org(request.user, org, Domain.RECORDS, WRITE)
        grades = {
            pk: v
            for k, v in request.POST.items()
            if k.startswith("grade_") and (pk := int_param(k.removeprefix("grade_"))) is not None and v
        }
        meeting = None
        if (activity_pk := int_param(request.POST.get("activity"))) is not None:
            meeting = Activity.objects.filter(pk=activity_pk, organization=org).first()
        try:
            services.appraisal_record(
                actor=request.user, organization=org, year=year, grades=grades, activity=meeting
            )
        except ValidationError as exc:
            errors = [m for ms in _messages(exc).values() for m in ms]
        else:
            messages.success(request, "民主评议结果已保存。")
            return redirect(f"{request.path}?year={year}")
    return render(
        request,
        "life/appraisals.html",
        {
            "org": org,
            "year": year,
            "years": year_choices(timezone.localdate()),
            "roster": selectors.appraisal_roster(org, year),
            "shares": selectors.grade_shares(org, year),
            "meetings": selectors.appraisal_meetings(org, year),
            "grades": GRADE_CHOICES,
            "errors": errors,
            "can_write": _can_write(request, org) and org.kind == OrgKind.BRANCH,
        },
    )


@login_required
def duty_reports(request: HttpRequest, org_id: int) -> HttpResponse:
    org = _org(request, org_id)
    today = timezone.localdate()
    people = selectors.people_choices(org)
    form = DutyReportForm(people=people, initial={"year": today.year - 1 if today.month <= 3 else today.year})
    if request.method == "POST":
        require_org(request.user, org, Domain.RECORDS, WRITE)
        form = DutyReportForm(request.POST, people=people)
        if form.is_valid():
            c = form.cleaned_data
            try:
                services.duty_report_create(
                    actor=request.user,
                    organization=org,
                    year=c["year"],
                    secretary=next((m for m in people if m.pk == c["secretary"]), None),
                    text=c["text"],
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, "述职报告已保存。")
                return redirect("life:duty_reports", org_id=org.pk)
    reports = DutyReport.objects.filter(organization=org).select_related("secretary")
    return render(
        request,
        "life/duty_reports.html",
        {
            "org": org,
            "reports": reports,
            "form": form,
            "can_write": _can_write(request, org),
        },
    )


@login_required
def study_plan(request: HttpRequest, org_id: int) -> HttpResponse:
    org = _org(request, org_id)
    year = _year(request)
    kinds = allowed_kinds(org)
    form = PlanItemForm(kinds=kinds)
    if request.method == "POST":
        require_org(request.user, org, Domain.RECORDS, WRITE)
        if (remove_pk := int_param(request.POST.get("remove"))) is not None:
            item = get_for_user_or_404(
                StudyPlanItem, request.user, WRITE, pk=remove_pk, plan__organization=org
            )
            services.study_plan_item_remove(actor=request.user, item=item)
            messages.success(request, "已删除计划事项。")
            return redirect(f"{request.path}?year={year}")
        form = PlanItemForm(request.POST, kinds=kinds)
        if form.is_valid():
            c = form.cleaned_data
            try:
                services.study_plan_item_add(
                    actor=request.user,
                    organization=org,
                    year=year,
                    month=c["month"],
                    topic=c["topic"],
                    kind=c["kind"],
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, "已加入学习计划。")
                return redirect(f"{request.path}?year={year}")
    plan, months = selectors.plan_vs_held(org, year)
    return render(
        request,
        "life/plan.html",
        {
            "org": org,
            "year": year,
            "years": [timezone.localdate().year + 1, *year_choices(timezone.localdate())],
            "plan": plan,
            "months": months,
            "form": form,
            "can_write": _can_write(request, org),
            "planned": sum(m.planned for m in months),
            "done": sum(m.done for m in months),
        },
    )


@login_required
def ledger(request: HttpRequest, org_id: int) -> HttpResponse:
    org = _org(request, org_id)
    year = _year(request)
    sheets = ledger_sheets(org, year)
    audit_record(
        actor=request.user,
        event_type=EventType.EXPORT,
        organization=org,
        object_type="life.Activity",
        object_repr=f"{org.name}{year}年三会一课台账",
        data={"year": year, "rows": len(list(sheets[0].rows))},
    )
    return xlsx_response(f"{org.name}{year}年三会一课台账.xlsx", sheets)
