from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from dangjian.jobs import runner
from dangjian.jobs.models import Job, JobStatus


def _own(request: HttpRequest, token: str) -> Job:
    """A job is visible to the account that started it, and only while it is inside its scope."""
    return get_object_or_404(Job.objects.for_user(request.user), token=token, user=request.user)


@login_required
def detail(request: HttpRequest, token: str) -> HttpResponse:
    job = _own(request, token)
    template = "jobs/snippets/status.html" if request.htmx else "jobs/detail.html"
    return render(request, template, {"job": job})


@login_required
@require_POST
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    job = _own(request, token)
    if not job.finished:
        runner.cancel(job)
    return redirect("jobs:detail", token=job.token)


@login_required
def download(request: HttpRequest, token: str) -> HttpResponse:
    job = _own(request, token)
    if job.status != JobStatus.DONE or not job.result_file:
        raise Http404
    response = FileResponse(job.result_file.open("rb"), as_attachment=True)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(job.result_name or 'result')}"
    return response
