from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
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
from dangjian.core.params import version_param
from dangjian.core.scope import get_for_user_or_404, org_in_scope, require_org
from dangjian.core.xlsx import Sheet, xlsx_response
from dangjian.lib.masking import mask_id_number
from dangjian.members.models import Member, MemberStatus
from dangjian.orgs.models import Organization, OrgKind
from dangjian.recruitment import selectors, services
from dangjian.recruitment.forms import (
    CultivationForm,
    DocumentForm,
    ExtensionForm,
    RecruitmentForm,
    SponsorForm,
    StepForm,
    TrainingForm,
)
from dangjian.recruitment.models import FileStatus, Recruitment
from dangjian.recruitment.steps import STEPS, RecruitStage


def _scope(request: HttpRequest):  # type: ignore[no-untyped-def]
    if request.user.role == Role.MEMBER or not request.user.can(Domain.RECORDS):
        raise Http404
    return Recruitment.objects.for_user(request.user)


@login_required
def file_list(request: HttpRequest) -> HttpResponse:
    qs = _scope(request)
    today = timezone.localdate()
    stage = request.GET.get("stage", "")
    status = request.GET.get("status", FileStatus.ACTIVE)
    listed = qs.filter(status=status) if status in FileStatus.values else qs
    if stage in RecruitStage.values:
        listed = listed.filter(stage=stage)
    views = selectors.file_views(listed[:300], today)
    return render(
        request,
        "recruitment/list.html",
        {
            "pipeline": selectors.pipeline(qs, today),
            "views": views,
            "due": selectors.due_within(qs, today, 30),
            "stage": stage,
            "status": status,
            "today": today,
            "stages": RecruitStage.choices,
            "statuses": FileStatus.choices,
            "can_write": request.user.can(Domain.RECORDS, WRITE),
        },
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    _scope(request)
    branches = Organization.objects.subtree(request.user.organization).active().filter(kind=OrgKind.BRANCH)
    form = RecruitmentForm(request.POST or None, branches=branches)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        require_org(request.user, data["organization"])
        try:
            file = services.recruitment_create(actor=request.user, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已为{file.name}建立发展党员档案")
            return redirect("recruitment:detail", pk=file.pk)
    return render(request, "recruitment/form.html", {"form": form, "title": "建立发展党员档案"})


def _forms(file: Recruitment, data: Any = None, which: str = "") -> dict[str, forms.Form]:
    members = Member.objects.current().filter(organization=file.organization, status=MemberStatus.FULL)
    sponsors = Member.objects.filter(pk__in=file.sponsors.values("member"))
    built = {
        "step": StepForm(data if which == "step" else None),
        "sponsor": SponsorForm(data if which == "sponsor" else None, members=members),
        "cultivation": CultivationForm(data if which == "cultivation" else None, sponsors=sponsors),
        "document": DocumentForm(data if which == "document" else None),
        "training": TrainingForm(
            data if which == "training" else None,
            initial={
                "training_days": file.training_days,
                "training_hours": file.training_hours,
                "publicity_start": file.publicity_start,
                "publicity_end": file.publicity_end,
            },
        ),
        "extension": ExtensionForm(data if which == "extension" else None),
    }
    for f in built.values():
        f.prefix = None
    return built


@login_required
def detail(request: HttpRequest, pk: int, bound: dict[str, forms.Form] | None = None) -> HttpResponse:
    file = get_for_user_or_404(selectors.with_timeline(_scope(request)), request.user, pk=pk)
    today = timezone.localdate()
    view = selectors.file_views(Recruitment.objects.filter(pk=file.pk), today)[0]
    dates = {s.number: s for s in file.steps.all()}
    rows = [
        {
            "step": s,
            "record": dates.get(s.number),
            "problems": [v for v in view.violations if v.step == s.number],
        }
        for s in STEPS
    ]
    return render(
        request,
        "recruitment/detail.html",
        {
            "f": file,
            "view": view,
            "rows": rows,
            "id_masked": mask_id_number(file.id_number),
            "forms": bound or _forms(file),
            "can_write": org_in_scope(request.user, file.organization) and file.status == FileStatus.ACTIVE,
        },
    )


def _act(
    request: HttpRequest, pk: int, which: str, apply: Callable[[Recruitment, dict[str, Any]], str]
) -> HttpResponse:
    file = get_for_user_or_404(_scope(request), request.user, WRITE, pk=pk)
    bound = _forms(file, request.POST, which)
    form = bound[which]
    if form.is_valid():
        try:
            message = apply(file, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect("recruitment:detail", pk=file.pk)
    messages.error(request, "未保存，请查看表单中的提示")
    return detail(request, pk, bound=bound)


@login_required
@require_POST
def record_step(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(file: Recruitment, data: dict[str, Any]) -> str:
        flagged = services.step_record(
            actor=request.user, recruitment=file, version=version_param(request.POST.get("version")), **data
        )
        for v in flagged:
            messages.warning(request, f"{v.message}（{v.basis}）")
        return f"已记录第{data['number']}步"

    return _act(request, pk, "step", apply)


@login_required
@require_POST
def add_sponsor(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "sponsor",
        lambda f, d: (services.sponsor_add(actor=request.user, recruitment=f, **d), "已指定")[1],
    )


@login_required
@require_POST
def add_cultivation(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "cultivation",
        lambda f, d: (services.cultivation_add(actor=request.user, recruitment=f, **d), "已记录考察情况")[1],
    )


@login_required
@require_POST
def add_document(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "document",
        lambda f, d: (services.document_add(actor=request.user, recruitment=f, **d), "已登记材料")[1],
    )


@login_required
@require_POST
def add_extension(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "extension",
        lambda f, d: (services.extension_add(actor=request.user, recruitment=f, **d), "已记录延长预备期")[1],
    )


@login_required
@require_POST
def set_training(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(file: Recruitment, data: dict[str, Any]) -> str:
        services.training_record(
            actor=request.user, recruitment=file, days=data["training_days"], hours=data["training_hours"]
        )
        if data["publicity_start"] and data["publicity_end"]:
            services.publicity_record(
                actor=request.user, recruitment=file, start=data["publicity_start"], end=data["publicity_end"]
            )
        return "已保存培训与公示情况"

    return _act(request, pk, "training", apply)


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    """发展党员工作台账: one row per file, the key dates, the stage and the rule problems."""
    qs = _scope(request)
    views = selectors.file_views(qs, timezone.localdate())
    key_steps = [1, 2, 3, 7, 10, 11, 15, 17, 20, 23, 24]
    headers = (
        ["姓名", "性别", "出生日期", "身份证号码", "党支部", "所处阶段", "状态"]
        + [f"{n}.{s.title}" for n in key_steps for s in STEPS if s.number == n]
        + ["问题"]
    )
    rows = []
    for v in views:
        dates = {s.number: s.date for s in v.file.steps.all()}
        rows.append(
            [
                v.file.name,
                v.file.get_gender_display(),
                v.file.birth_date,
                mask_id_number(v.file.id_number),
                v.file.organization.name,
                v.file.get_stage_display(),
                v.file.get_status_display(),
                *[dates.get(n) for n in key_steps],
                "；".join(x.message for x in v.violations),
            ]
        )
    audit_record(
        actor=request.user,
        event_type=EventType.EXPORT,
        organization=request.user.organization,
        object_type="recruitment.Recruitment",
        object_repr="发展党员工作台账",
        data={"rows": len(rows)},
    )
    today = timezone.localdate()
    return xlsx_response(
        f"发展党员工作台账-{today:%Y%m%d}.xlsx",
        [
            Sheet(
                "发展党员台账",
                headers,
                rows,
                caption=f"{request.user.organization.name}发展党员工作台账（{today:%Y年%m月%d日}）",
            )
        ],
    )
