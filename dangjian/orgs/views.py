from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from dangjian.accounts.roles import WRITE, Domain
from dangjian.core.forms import apply_errors
from dangjian.core.registry import registry
from dangjian.core.scope import get_for_user_or_404
from dangjian.members.models import Member
from dangjian.orgs import selectors, services
from dangjian.orgs.forms import OrganizationForm
from dangjian.orgs.models import Organization


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    if not request.user.can(Domain.ORGS):
        raise Http404
    root = selectors.tree(request.user.organization, timezone.localdate())
    return render(request, "orgs/tree.html", {"root": root})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_for_user_or_404(Organization.objects.select_related("parent"), request.user, pk=pk)
    today = timezone.localdate()
    node = selectors.tree(org, today)
    committee = selectors.current_committee(org)
    sees_members = request.user.can(Domain.RECORDS)
    members = []
    if sees_members:
        members = list(
            Member.objects.for_user(request.user)
            .current()
            .filter(organization=org)
            .select_related("group")
            .order_by("name")[:60]
        )
    return render(
        request,
        "orgs/detail.html",
        {
            "org": org,
            "node": node,
            "committee": committee,
            "seats": selectors.current_seats(committee) if committee else [],
            "members": members,
            "sees_members": sees_members,
            "partners": org.partner_units.all(),
            "sections": [s for s in registry.org_sections if s.visible(request.user)],
            "can_write": request.user.can(Domain.ORGS, WRITE),
        },
    )


@login_required
def create_child(request: HttpRequest, pk: int) -> HttpResponse:
    parent = get_for_user_or_404(Organization, request.user, WRITE, pk=pk)
    form = OrganizationForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organization_create(actor=request.user, parent=parent, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已设立{org.name}")
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/form.html", {"form": form, "parent": parent})
