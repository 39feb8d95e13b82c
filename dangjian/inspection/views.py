"""Pages of the rectification ledger. Thin: scope the object (404 outside the subtree), call one service
or selector, render or redirect. Services raise PermissionDenied (403) for a role that may see but not act."""

from __future__ import annotations

import io
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.accounts.roles import READ, WRITE, Domain
from dangjian.core.documents import DOCX_MIME
from dangjian.core.forms import apply_errors
from dangjian.core.params import version_param
from dangjian.core.scope import get_for_user_or_404, require_org
from dangjian.core.xlsx import Sheet, SpreadsheetError, read_rows, xlsx_response
from dangjian.inspection import documents, selectors, services
from dangjian.inspection.forms import (
    DecisionForm,
    EvidenceForm,
    FindingForm,
    ImportForm,
    InspectionForm,
    MeasureForm,
    ProgressForm,
    TransitionForm,
)
from dangjian.inspection.models import (
    UNFINISHED,
    Evidence,
    Finding,
    FindingSource,
    FindingStatus,
    Inspection,
    MeasureProgress,
    MeasureStatus,
    RectificationMeasure,
)

PAGE_SIZE = 50
IMPORT_SESSION_KEY = "inspection_import"


def _need_read(request: HttpRequest) -> None:
    if not request.user.can(Domain.FINDINGS, READ):
        raise Http404


def _round(request: HttpRequest, pk: int, action: str = READ) -> Inspection:
    """Rounds have their own reach (InspectionQuerySet.for_user: also the rounds that inspected the
    user's subtree), so they are looked up through it rather than the generic helper."""
    try:
        return Inspection.objects.for_user(request.user, action).select_related("organization").get(pk=pk)
    except (Inspection.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("未找到该巡察，或不在您的管辖范围内") from exc


def _visible_findings(request: HttpRequest):  # type: ignore[no-untyped-def]
    return Finding.objects.for_user(request.user)


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# ---------------------------------------------------------------- rounds


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _need_read(request)
    today = timezone.localdate()
    measures = RectificationMeasure.objects.for_user(request.user)
    return render(
        request,
        "inspection/index.html",
        {
            "rounds": selectors.rounds_for(request.user),
            "overdue_count": selectors.overdue(measures, today).count(),
            "due_soon_count": selectors.due_soon(measures, today).count(),
            "loose_count": _visible_findings(request).filter(inspection__isnull=True).count(),
            "can_file": request.user.can(Domain.FINDINGS, WRITE),
        },
    )


@login_required
def round_create(request: HttpRequest) -> HttpResponse:
    if not request.user.can(Domain.FINDINGS, WRITE):
        raise PermissionDenied("您的角色无权录入巡察")
    orgs = selectors.inspectable_orgs(request.user)
    form = InspectionForm(request.POST or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        try:
            obj = services.inspection_create(
                actor=request.user,
                organization=form.cleaned_data["organization"],
                inspected=form.cleaned_data["inspected"],
                data=form.data_for_service(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已录入{obj.name}")
            return redirect("inspection:round", pk=obj.pk)
    return render(request, "inspection/form.html", {"form": form, "title": "录入巡察"})


@login_required
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _round(request, pk, WRITE)
    orgs = selectors.inspectable_orgs(request.user)
    initial = {
        f: getattr(obj, f)
        for f in (
            "name",
            "committee",
            "team",
            "onsite_from",
            "onsite_to",
            "feedback_on",
            "overall_work",
            "consolidation",
            "contact",
        )
    }
    initial |= {"organization": obj.organization, "inspected": list(obj.inspected.all())}
    form = InspectionForm(request.POST or None, initial=initial, orgs=orgs)
    form.fields["organization"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.inspection_update(
                actor=request.user,
                inspection=obj,
                data=form.data_for_service(),
                inspected=form.cleaned_data["inspected"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("inspection:round", pk=obj.pk)
    return render(request, "inspection/form.html", {"form": form, "title": f"编辑 {obj.name}", "back": obj})


def _finding_rows(findings, today):  # type: ignore[no-untyped-def]
    """Findings annotated with their measure counts (one query)."""
    return findings.select_related("organization", "inspection").annotate(
        n_measures=Count("measures", distinct=True),
        n_finished=Count(
            "measures",
            filter=Q(measures__status__in=[MeasureStatus.DONE, MeasureStatus.ACCEPTED]),
            distinct=True,
        ),
        n_overdue=Count(
            "measures", filter=Q(measures__status__in=UNFINISHED, measures__due__lt=today), distinct=True
        ),
    )


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _round(request, pk)
    today = timezone.localdate()
    findings = _visible_findings(request).filter(inspection=obj)
    measures = RectificationMeasure.objects.for_user(request.user).filter(finding__inspection=obj)
    board = selectors.round_board(findings, measures, today)
    rows = list(_finding_rows(findings, today).order_by("number"))
    chain_map = selectors.chains(rows)
    for f in rows:
        f.occurrence = len(chain_map.get(f.pk, [])) + 1
    peak = max((p.total for p in board.burndown), default=0)
    inspected = list(obj.inspected.order_by("path"))
    return render(
        request,
        "inspection/round.html",
        {
            "round": obj,
            "board": board,
            "rows": rows,
            "chains": chain_map,
            "today": today,
            "peak": peak,
            "inspected": inspected,
            # findings may be filed for any inspected organization in reach; import and edit need the round
            "can_file": any(services.may_file_findings(request.user, o) for o in inspected),
            "can_manage": services.may_file_findings(request.user, obj.organization),
        },
    )


# ---------------------------------------------------------------- findings


@login_required
def finding_list(request: HttpRequest) -> HttpResponse:
    _need_read(request)
    today = timezone.localdate()
    qs = _visible_findings(request)
    status = request.GET.get("status", "")
    source = request.GET.get("source", "")
    if status in FindingStatus.values:
        qs = qs.filter(status=status)
    if source in FindingSource.values:
        qs = qs.filter(source=source)
    if request.GET.get("recurring") == "1":
        qs = qs.filter(repeats__isnull=False)
    if request.GET.get("loose") == "1":
        qs = qs.filter(inspection__isnull=True)
    page = Paginator(_finding_rows(qs, today).order_by("-found_on", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "inspection/findings.html",
        {
            "page": page,
            "statuses": FindingStatus.choices,
            "sources": FindingSource.choices,
            "status": status,
            "source": source,
            "recurring": request.GET.get("recurring") == "1",
            "query": query.urlencode(),
            "can_file": request.user.can(Domain.FINDINGS, WRITE),
        },
    )


@login_required
def finding_create(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    obj = _round(request, pk) if pk is not None else None
    if not request.user.can(Domain.FINDINGS, WRITE):
        raise PermissionDenied("您的角色无权录入问题")
    orgs = selectors.inspectable_orgs(request.user)
    if obj is not None:
        paths = list(obj.inspected.values_list("path", flat=True))
        within = Q(pk__in=[])
        for path in paths:
            within |= Q(path__startswith=path)
        orgs = orgs.filter(within)
    form = FindingForm(
        request.POST or None,
        orgs=orgs,
        with_round=obj is not None,
        initial={"found_on": obj.feedback_on if obj and obj.feedback_on else timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        org = form.cleaned_data["organization"]
        require_org(request.user, org, Domain.FINDINGS, WRITE)
        try:
            finding = services.finding_create(
                actor=request.user, organization=org, inspection=obj, data=form.data_for_service()
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已录入问题{finding.number}")
            if obj is not None and "again" in request.POST:
                return redirect("inspection:finding_create", pk=obj.pk)
            return redirect("inspection:finding", pk=finding.pk)
    aspects = []
    if obj is not None:
        aspects = list(
            Finding.objects.filter(inspection=obj)
            .order_by("number")
            .values_list("aspect", flat=True)
            .distinct()
        )
    return render(
        request,
        "inspection/finding_form.html",
        {
            "form": form,
            "round": obj,
            "aspects": list(dict.fromkeys(aspects)),
            "title": f"录入问题 · {obj.name}" if obj else "录入问题（自查、回头看）",
        },
    )


@login_required
def finding_edit(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_for_user_or_404(
        Finding.objects.select_related("organization", "inspection"), request.user, WRITE, pk=pk
    )
    initial = {f: getattr(finding, f) for f in services.FINDING_FIELDS} | {
        "organization": finding.organization
    }
    form = FindingForm(
        request.POST or None,
        initial=initial,
        orgs=selectors.inspectable_orgs(request.user),
        with_round=finding.inspection_id is not None,
    )
    form.fields["organization"].disabled = True
    form.fields["source"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.finding_update(actor=request.user, finding=finding, data=form.data_for_service())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("inspection:finding", pk=finding.pk)
    return render(
        request,
        "inspection/finding_form.html",
        {"form": form, "round": finding.inspection, "title": f"编辑 {finding}", "finding": finding},
    )


@login_required
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_for_user_or_404(
        Finding.objects.select_related("organization", "inspection", "repeats", "closed_by"),
        request.user,
        pk=pk,
    )
    today = timezone.localdate()
    measures = list(
        finding.measures.select_related("owner_member")
        .prefetch_related(
            Prefetch(
                "progress",
                queryset=MeasureProgress.objects.select_related("recorded_by").order_by("on", "pk"),
            ),
            Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at")),
        )
        .order_by("number")
    )
    may_rectify = services.may_rectify(request.user, finding.organization) and not finding.is_closed
    may_accept = services.may_accept(request.user, finding) and not finding.is_closed
    all_done = bool(measures) and all(m.status == MeasureStatus.DONE for m in measures)
    for m in measures:
        m.overdue_now = m.is_overdue(today)
        m.transition_form = TransitionForm(status=m.status, prefix=f"m{m.pk}") if may_rectify else None
    chain = selectors.chains([finding]).get(finding.pk, [])
    later = list(Finding.objects.for_user(request.user).filter(repeats=finding).select_related("inspection"))
    history = list(
        finding.history.select_related("history_user").order_by("-history_date", "-history_id")[:20]
    )
    return render(
        request,
        "inspection/finding.html",
        {
            "f": finding,
            "measures": measures,
            "today": today,
            "chain": chain,
            "later": later,
            "decisions": finding.decisions.select_related("decided_by", "decided_by_org").order_by(
                "decided_on", "pk"
            ),
            "evidence": finding.evidence.order_by("uploaded_at"),
            "may_rectify": may_rectify,
            "may_accept": may_accept,
            "all_done": all_done,
            "may_file": services.may_file_findings(request.user, finding.organization)
            and not finding.is_closed,
            "progress_form": ProgressForm(),
            "decision_form": DecisionForm(),
            "evidence_form": EvidenceForm(),
            "history": history,
        },
    )


@login_required
@require_POST
def finding_link(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_for_user_or_404(Finding, request.user, WRITE, pk=pk)
    earlier_id = request.POST.get("earlier", "")
    earlier = get_for_user_or_404(Finding, request.user, pk=earlier_id) if earlier_id else None
    try:
        services.finding_link_repeat(actor=request.user, finding=finding, earlier=earlier)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已确认为重复发生的问题" if earlier else "已取消关联")
    target = request.POST.get("next", "")
    if target == "lookback" and finding.inspection_id:
        return redirect("inspection:lookback", pk=finding.inspection_id)
    return redirect("inspection:finding", pk=finding.pk)


@login_required
def lookback(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _round(request, pk)
    visible = _visible_findings(request)
    rows = selectors.lookback_proposals(obj, visible)
    linked = list(
        visible.filter(inspection=obj, repeats__isnull=False)
        .select_related("repeats", "repeats__inspection")
        .order_by("number")
    )
    chain_map = selectors.chains(linked)
    for f in linked:
        f.chain = chain_map.get(f.pk, [])
    return render(
        request,
        "inspection/lookback.html",
        {
            "round": obj,
            "rows": rows,
            "linked": linked,
            "can_file": request.user.can(Domain.FINDINGS, WRITE),
        },
    )


# ---------------------------------------------------------------- import


def _import_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "inspection-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


@login_required
def findings_import(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _round(request, pk, WRITE)
    if not services.may_file_findings(request.user, obj.organization):
        raise PermissionDenied("您无权为该巡察导入问题")
    form = ImportForm()
    context: dict[str, Any] = {"round": obj, "form": form}
    if request.method == "POST" and request.POST.get("action") == "commit":
        pending = request.session.get(IMPORT_SESSION_KEY) or {}
        token = request.POST.get("token", "")
        if pending.get("token") != token or pending.get("round") != obj.pk:
            messages.error(request, "导入已过期，请重新上传文件")
            return redirect("inspection:import", pk=obj.pk)
        path = _import_dir() / f"{token}.xlsx"
        try:
            rows = read_rows(str(path))
            created = services.findings_import(actor=request.user, inspection=obj, rows=rows)
        except services.ImportErrors as exc:
            context["errors"] = exc.rows
            return render(request, "inspection/import.html", context, status=400)
        except (SpreadsheetError, FileNotFoundError):
            messages.error(request, "导入已过期，请重新上传文件")
            return redirect("inspection:import", pk=obj.pk)
        finally:
            request.session.pop(IMPORT_SESSION_KEY, None)
            path.unlink(missing_ok=True)
        messages.success(request, f"已导入{len(created)}个问题")
        return redirect("inspection:round", pk=obj.pk)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read(int(settings.UPLOAD_MAX_BYTES) + 1)
            try:
                if len(data) > int(settings.UPLOAD_MAX_BYTES):
                    raise SpreadsheetError("文件过大")
                rows = read_rows(io.BytesIO(data))
                parsed = services.parse_import(actor=request.user, inspection=obj, rows=rows)
            except SpreadsheetError as exc:
                form.add_error("file", str(exc))
            except services.ImportErrors as exc:
                context["errors"] = exc.rows
                return render(request, "inspection/import.html", context, status=400)
            else:
                token = uuid.uuid4().hex
                (_import_dir() / f"{token}.xlsx").write_bytes(data)
                request.session[IMPORT_SESSION_KEY] = {"token": token, "round": obj.pk}
                context.update(preview=parsed, token=token)
        if form.errors:
            return render(request, "inspection/import.html", context, status=400)
    return render(request, "inspection/import.html", context)


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    _need_read(request)
    example = [
        "1",
        "第一党支部",
        "聚焦基层党组织软弱涣散、组织力欠缺方面",
        "基层党建工作不深不细",
        "党员发展制度落实不严格",
        "有的党员培养考察写实簿，培养考察时间一栏空缺。",
        "一般",
        "2024-09-01",
    ]
    return xlsx_response(
        "巡察问题导入模板.xlsx",
        [
            Sheet(
                title="问题清单",
                headers=services.IMPORT_TEMPLATE_HEADERS,
                rows=[example],
                widths=[8, 18, 36, 24, 30, 50, 8, 12],
                notes=[
                    "“被巡察党组织”填写组织名称或组织代码；严重程度：严重、一般、轻微；问题序号可空（自动编号）"
                ],
            )
        ],
    )


# ---------------------------------------------------------------- documents


def _documents_data(request: HttpRequest, pk: int, what: str):  # type: ignore[no-untyped-def]
    obj = _round(request, pk)
    today = timezone.localdate()
    info, findings = selectors.document_data(obj, _visible_findings(request), today)
    services.export_recorded(actor=request.user, inspection=obj, what=what, count=len(findings))
    return obj, info, findings, today


@login_required
def notice_docx(request: HttpRequest, pk: int) -> HttpResponse:
    obj, info, findings, today = _documents_data(request, pk, "整改进展情况通报")
    data = documents.render_notice(info, findings, today)
    return _download(data, f"{obj.name}整改进展情况通报.docx", DOCX_MIME)


@login_required
def plan_docx(request: HttpRequest, pk: int) -> HttpResponse:
    obj, info, findings, today = _documents_data(request, pk, "整改方案")
    data = documents.render_plan(info, findings, today)
    return _download(data, f"{obj.name}整改方案.docx", DOCX_MIME)


@login_required
def ledger_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    obj, info, findings, today = _documents_data(request, pk, "整改台账")
    return xlsx_response(f"{obj.name}整改台账.xlsx", documents.ledger_sheets(info, findings, today))


# ---------------------------------------------------------------- measures


def _finding_for_rectify(request: HttpRequest, pk: int) -> Finding:
    finding = get_for_user_or_404(Finding.objects.select_related("organization"), request.user, pk=pk)
    if not services.may_rectify(request.user, finding.organization):
        raise PermissionDenied("您的角色无权办理整改")
    return finding


def _members_for(finding: Finding):  # type: ignore[no-untyped-def]
    from dangjian.members.models import Member

    return (
        Member.objects.current()
        .filter(organization__path__startswith=finding.organization.path)
        .order_by("name")
    )


@login_required
def measure_create(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _finding_for_rectify(request, pk)
    form = MeasureForm(request.POST or None, members=_members_for(finding))
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_create(
                actor=request.user,
                finding=finding,
                data=form.data_for_service(),
                owner_member=form.cleaned_data["owner_member"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已添加整改措施")
            if "again" in request.POST:
                return redirect("inspection:measure_create", pk=finding.pk)
            return redirect("inspection:finding", pk=finding.pk)
    return render(
        request,
        "inspection/measure_form.html",
        {"form": form, "f": finding, "title": f"添加整改措施 · {finding}"},
    )


@login_required
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_for_user_or_404(
        RectificationMeasure.objects.select_related("finding__organization"), request.user, pk=pk
    )
    finding = _finding_for_rectify(request, measure.finding_id)
    initial = {f: getattr(measure, f) for f in services.MEASURE_FIELDS} | {
        "owner_member": measure.owner_member
    }
    form = MeasureForm(request.POST or None, initial=initial, members=_members_for(finding))
    version = (
        version_param(request.POST.get("version", measure.version)) if request.method == "POST" else measure.version
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_update(
                actor=request.user,
                measure=measure,
                data=form.data_for_service(),
                version=version,
                owner_member=form.cleaned_data["owner_member"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("inspection:finding", pk=finding.pk)
    return render(
        request,
        "inspection/measure_form.html",
        {"form": form, "f": finding, "version": version, "title": f"编辑整改措施{measure.number}"},
    )


@login_required
@require_POST
def measure_transition(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_for_user_or_404(
        RectificationMeasure.objects.select_related("finding__organization"), request.user, pk=pk
    )
    _finding_for_rectify(request, measure.finding_id)
    form = TransitionForm(request.POST, status=measure.status, prefix=f"m{measure.pk}")
    if not form.is_valid():
        messages.error(request, "请选择可用的新状态")
        return redirect("inspection:finding", pk=measure.finding_id)
    try:
        services.measure_transition(
            actor=request.user,
            measure=measure,
            to=form.cleaned_data["to"],
            note=form.cleaned_data["note"],
            on=form.cleaned_data["on"],
            version=version_param(request.POST.get("version", measure.version)),
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(
            request, f"措施{measure.number}已改为“{MeasureStatus(form.cleaned_data['to']).label}”"
        )
    return redirect("inspection:finding", pk=measure.finding_id)


@login_required
@require_POST
def measure_progress(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_for_user_or_404(
        RectificationMeasure.objects.select_related("finding__organization"), request.user, pk=pk
    )
    _finding_for_rectify(request, measure.finding_id)
    form = ProgressForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写进展情况")
        return redirect("inspection:finding", pk=measure.finding_id)
    try:
        services.measure_progress_add(
            actor=request.user, measure=measure, note=form.cleaned_data["note"], on=form.cleaned_data["on"]
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已记录进展")
    return redirect("inspection:finding", pk=measure.finding_id)


# ---------------------------------------------------------------- acceptance (销号)


@login_required
@require_POST
def finding_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    finding = get_for_user_or_404(Finding.objects.select_related("organization"), request.user, pk=pk)
    form = DecisionForm(request.POST)
    text = form.data.get("comment", "")
    try:
        if decision == "accept":
            services.rectification_close(actor=request.user, finding=finding, comment=text)
            messages.success(request, f"问题{finding.number}已验收销号")
        else:
            services.rectification_refuse(actor=request.user, finding=finding, reason=text)
            messages.warning(request, f"问题{finding.number}验收未通过，已退回整改")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("inspection:finding", pk=finding.pk)


# ---------------------------------------------------------------- evidence


@login_required
@require_POST
def evidence_upload(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    form = EvidenceForm(request.POST, request.FILES)
    if kind == "measure":
        measure = get_for_user_or_404(
            RectificationMeasure.objects.select_related("finding"), request.user, pk=pk
        )
        finding, target = measure.finding, {"measure": measure}
    else:
        finding = get_for_user_or_404(Finding, request.user, pk=pk)
        target = {"finding": finding}
    if not form.is_valid():
        messages.error(request, "请选择要上传的文件")
        return redirect("inspection:finding", pk=finding.pk)
    try:
        services.evidence_add(
            actor=request.user,
            upload=form.cleaned_data["file"],
            description=form.cleaned_data["description"],
            **target,
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已上传佐证材料")
    return redirect("inspection:finding", pk=finding.pk)


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = get_for_user_or_404(Evidence, request.user, pk=pk)
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("文件不存在") from exc
    return FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )


# ---------------------------------------------------------------- supervision


@login_required
def supervision(request: HttpRequest) -> HttpResponse:
    _need_read(request)
    today = timezone.localdate()
    measures = RectificationMeasure.objects.for_user(request.user)
    late = list(
        selectors.overdue(measures, today)
        .select_related("finding", "finding__inspection", "finding__organization")
        .order_by("due", "pk")[:200]
    )
    soon = list(
        selectors.due_soon(measures, today)
        .select_related("finding", "finding__organization")
        .order_by("due", "pk")[:200]
    )
    for m in late:
        m.days_late = (today - m.due).days
    return render(
        request,
        "inspection/supervision.html",
        {
            "today": today,
            "late": late,
            "soon": soon,
            "days": selectors.reminder_days(),
            "owners": selectors.overdue_by_owner(measures, today),
            "units": selectors.overdue_by_unit(measures, today),
        },
    )
