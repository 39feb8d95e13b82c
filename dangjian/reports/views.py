from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dangjian.accounts.roles import Domain, Role
from dangjian.audit.models import EventType
from dangjian.audit.services import audit_record
from dangjian.core.documents import DOCX_MIME
from dangjian.core.params import int_param
from dangjian.core.xlsx import Sheet, xlsx_response
from dangjian.orgs.models import Organization, OrgKind
from dangjian.reports import dashboard, documents, statistics


def _root(request: HttpRequest) -> Organization:
    if request.user.role == Role.MEMBER or not request.user.can(Domain.RECORDS):
        raise Http404
    org_id = request.GET.get("org", "")
    if (org_pk := int_param(org_id)) is not None:
        org = Organization.objects.subtree(request.user.organization).filter(pk=org_pk).first()
        if org is None:
            raise Http404
        return org
    return request.user.organization


def _date(request: HttpRequest, name: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return default


def _docx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=DOCX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _export(request: HttpRequest, root: Organization, what: str, **data: object) -> None:
    audit_record(
        actor=request.user,
        event_type=EventType.EXPORT,
        organization=root,
        object_type="reports",
        object_repr=what,
        data=data,
    )


@login_required
def dash(request: HttpRequest) -> HttpResponse:
    root = _root(request)
    on = _date(request, "on", timezone.localdate())
    charts = dashboard.charts(root, on, request.user)
    key = request.GET.get("table", "")
    if key:
        chart = next((c for c in charts if c.key == key), None)
        if chart is None:
            raise Http404
        _export(request, root, chart.title, on=on)
        return xlsx_response(
            f"{chart.title}-{on:%Y%m%d}.xlsx",
            [
                Sheet(
                    chart.title[:31],
                    chart.headers,
                    chart.rows,
                    caption=f"{root.name}{chart.title}（{on:%Y-%m-%d}）",
                )
            ],
        )
    trail = list(
        Organization.objects.filter(pk__in=[int(p) for p in root.path.strip("/").split("/") if p])
        .filter(path__startswith=request.user.organization.path)
        .order_by("depth")
    )
    return render(
        request,
        "reports/dashboard.html",
        {
            "root": root,
            "on": on,
            "charts": charts,
            "trail": trail,
            "children": Organization.objects.filter(parent=root)
            .exclude(kind=OrgKind.GROUP)
            .order_by("sort_order", "name"),
            "options": {c.key: c.option() for c in charts},
        },
    )


@login_required
def survey(request: HttpRequest) -> HttpResponse:
    root = _root(request)
    on = _date(request, "on", timezone.localdate())
    sv = statistics.survey(root, on)
    fmt = request.GET.get("format", "")
    if fmt == "xlsx":
        _export(request, root, "统计调查表", on=on)
        o = sv.orgs
        org_rows = [
            ["社区", o.communities],
            ["其中：社区党委", o.community_committees],
            ["社区党支部（总支）", o.community_branches],
            ["楼幢（网格）党支部", o.sub_branches],
            ["楼道党小组", o.groups],
            ["书记、主任“一肩挑”", sv.directors[0]],
        ]
        member_rows = [[b.label, label, n] for b in sv.breakdowns for label, n in b.rows]
        caption = f"{root.name}党建工作统计（截至{on:%Y年%m月%d日}）"
        return xlsx_response(
            f"统计调查-{on:%Y%m%d}.xlsx",
            [
                Sheet("组织设置", ["项目", "数量"], org_rows, caption=caption, widths=[28, 12]),
                Sheet(
                    "党员构成",
                    ["分类", "项目", "人数"],
                    member_rows,
                    caption=caption,
                    notes=[f"党员总数{sv.members_total}人"],
                ),
            ],
        )
    if fmt == "docx":
        _export(request, root, "统计调查报告", on=on)
        return _docx(documents.survey_document(sv), f"统计调查-{root.name}-{on:%Y%m%d}.docx")
    return render(request, "reports/survey.html", {"sv": sv, "root": root, "on": on})


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    root = _root(request)
    today = timezone.localdate()
    start = _date(request, "start", dt.date(today.year, 1, 1))
    end = _date(request, "end", today)
    kind = request.GET.get("kind", "")
    if kind == "work-job" or kind == "survey-job":
        from django.shortcuts import redirect

        from dangjian.jobs.runner import enqueue

        if kind == "work-job":
            job = enqueue(
                "reports.work_report",
                user=request.user,
                organization=root,
                title=f"生成{root.name}党建工作情况报告",
                params={"start": start.isoformat(), "end": end.isoformat()},
            )
        else:
            job = enqueue(
                "reports.survey_table",
                user=request.user,
                organization=root,
                title=f"{root.name}各组织统计汇总",
                params={"on": end.isoformat()},
            )
        return redirect("jobs:detail", token=job.token)
    if kind in ("work", "topic"):
        facts = documents.gather(root, start, end)
        if kind == "work":
            _export(request, root, "党建工作情况报告", start=start, end=end)
            return _docx(documents.work_report(facts), f"党建工作情况报告-{root.name}-{end:%Y%m%d}.docx")
        team = request.GET.get("team", "").strip()[:40] or "区委巡察组"
        _export(request, root, "专题汇报", start=start, end=end)
        return _docx(
            documents.topic_report(facts, team=team, since_year=start.year),
            f"专题汇报-{root.name}-{end:%Y%m%d}.docx",
        )
    return render(
        request,
        "reports/reports.html",
        {
            "root": root,
            "start": start,
            "end": end,
            "orgs": Organization.objects.subtree(request.user.organization).exclude(kind=OrgKind.GROUP),
        },
    )
