from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.accounts.roles import WRITE, Domain, Role
from dangjian.audit.models import EventType
from dangjian.audit.services import audit_record
from dangjian.core.forms import apply_errors
from dangjian.core.params import int_list, version_param
from dangjian.core.scope import get_for_user_or_404, org_in_scope, require_org
from dangjian.core.xlsx import Sheet, xlsx_response
from dangjian.elections import selectors, services
from dangjian.elections.forms import CandidateForm, CountsForm, ElectionForm
from dangjian.elections.models import Election, ElectionStatus
from dangjian.members.models import Member
from dangjian.orgs.models import Committee, Organization, OrgKind


def _check(request: HttpRequest) -> None:
    if request.user.role == Role.MEMBER or not request.user.can(Domain.RECORDS):
        raise Http404


@login_required
def election_list(request: HttpRequest) -> HttpResponse:
    _check(request)
    today = timezone.localdate()
    return render(
        request,
        "elections/list.html",
        {
            "due": selectors.terms_due(Committee.objects.for_user(request.user), today),
            "today": today,
            "elections": Election.objects.for_user(request.user).select_related("organization")[:200],
            "can_write": request.user.can(Domain.RECORDS, WRITE),
        },
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    _check(request)
    orgs = (
        Organization.objects.subtree(request.user.organization)
        .active()
        .exclude(kind__in=[OrgKind.GROUP, OrgKind.STREET_COMMITTEE])
    )
    form = ElectionForm(request.POST or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        require_org(request.user, form.cleaned_data["organization"])
        try:
            election = services.election_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已建立选举记录，请核对签到名单并录入候选人得票")
            return redirect("elections:detail", pk=election.pk)
    return render(request, "elections/form.html", {"form": form})


@login_required
def detail(
    request: HttpRequest,
    pk: int,
    candidate_form: CandidateForm | None = None,
    counts_form: CountsForm | None = None,
) -> HttpResponse:
    _check(request)
    election = get_for_user_or_404(
        Election.objects.select_related("organization", "committee"), request.user, pk=pk
    )
    voters = list(election.voters.select_related("member").order_by("member__name"))
    members = Member.objects.filter(pk__in=[v.member_id for v in voters])
    return render(
        request,
        "elections/detail.html",
        {
            "e": election,
            "voters": voters,
            "outcome": services.outcome(election),
            "candidates": election.candidates.select_related("member"),
            "attended": sum(1 for v in voters if v.attended),
            "candidate_form": candidate_form or CandidateForm(members=members),
            "counts_form": counts_form
            or CountsForm(
                initial={
                    "attending_reported": election.attending_reported,
                    "ballots_issued": election.ballots_issued,
                    "ballots_returned": election.ballots_returned,
                    "ballots_invalid": election.ballots_invalid,
                }
            ),
            "can_write": org_in_scope(request.user, election.organization)
            and election.status == ElectionStatus.DRAFT,
        },
    )


def _writable(request: HttpRequest, pk: int) -> Election:
    _check(request)
    return get_for_user_or_404(Election, request.user, WRITE, pk=pk)


def _version(request: HttpRequest) -> int:
    return version_param(request.POST.get("version"))


@login_required
@require_POST
def set_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    election = _writable(request, pk)
    ids = set(int_list(request.POST.getlist("attended")))
    try:
        services.attendance_set(
            actor=request.user, election=election, attended_member_ids=ids, version=_version(request)
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已保存签到名单：实到{len(ids)}人")
    return redirect("elections:detail", pk=pk)


@login_required
@require_POST
def set_counts(request: HttpRequest, pk: int) -> HttpResponse:
    election = _writable(request, pk)
    form = CountsForm(request.POST)
    if form.is_valid():
        try:
            services.counts_set(
                actor=request.user, election=election, version=_version(request), **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存计票情况")
            return redirect("elections:detail", pk=pk)
    return detail(request, pk, counts_form=form)


@login_required
@require_POST
def add_candidate(request: HttpRequest, pk: int) -> HttpResponse:
    election = _writable(request, pk)
    form = CandidateForm(
        request.POST, members=Member.objects.filter(pk__in=election.voters.values("member_id"))
    )
    if form.is_valid():
        try:
            services.candidate_add(actor=request.user, election=election, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已录入候选人得票")
            return redirect("elections:detail", pk=pk)
    return detail(request, pk, candidate_form=form)


@login_required
@require_POST
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    election = _writable(request, pk)
    try:
        if request.POST.get("decision") == "invalid":
            services.election_mark_invalid(actor=request.user, election=election, version=_version(request))
            messages.warning(request, "已判定本次选举无效")
        else:
            services.election_apply(actor=request.user, election=election, version=_version(request))
            messages.success(request, "选举有效，新一届委员会已生效")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("elections:detail", pk=pk)


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """选举结果报告表 for the higher committee (xlsx)."""
    _check(request)
    election = get_for_user_or_404(Election.objects.select_related("organization"), request.user, pk=pk)
    result = services.outcome(election)
    voters = list(election.voters.all())
    elected = {x.key for x in result.elected}
    rows = [
        [
            c.member.name,
            c.get_role_display(),
            c.votes_for,
            c.votes_against,
            c.abstain,
            "当选" if c.member_id in elected else "未当选",
        ]
        for c in election.candidates.select_related("member")
    ]
    notes = [
        f"应到有选举权党员{len(voters)}人，实到{sum(1 for v in voters if v.attended)}人（会议记录{election.attending_reported}人）",
        f"应选委员{election.seats}名；发出选票{election.ballots_issued}张，收回{election.ballots_returned}张，无效{election.ballots_invalid}张",
        "选举有效" if result.valid else "选举无效：" + "；".join(f.message for f in result.failures),
    ]
    audit_record(
        actor=request.user, event_type=EventType.EXPORT, subject=election, data={"report": "election"}
    )
    caption = f"{election.organization.name}换届选举结果报告表（{election.held_on:%Y年%m月%d日}）"
    return xlsx_response(
        f"换届选举结果-{election.organization.code}-{election.held_on:%Y%m%d}.xlsx",
        [
            Sheet(
                "选举结果",
                ["姓名", "候选职务", "赞成", "反对", "弃权", "结果"],
                rows,
                caption=caption,
                notes=notes,
            )
        ],
    )
