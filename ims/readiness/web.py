"""Pages to assess one requirement: status, applicability, evidence, checks, history."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ims.accounts.models import User
from ims.accounts.permissions import Action, can
from ims.audit.selectors import history_of
from ims.core.errors import ConflictError, ImsError
from ims.readiness import evidence, services
from ims.readiness.checks import run_all
from ims.readiness.forms import ApplicabilityForm, AssessmentForm, EvidenceForm
from ims.readiness.models import Applicability
from ims.readiness.selectors import checks_for, edition_readiness
from ims.readiness.transition import transition_rows
from ims.standards.selectors import clause_get, edition_get
from ims.web.forms import apply_error


def edition_requirements(request: HttpRequest, standard: str, year: str) -> HttpResponse:
    edition = edition_get(f"{standard}:{year}")
    state = edition_readiness(edition)
    return render(request, "readiness/edition.html", {"edition": edition, "state": state})


def requirement(request: HttpRequest, standard: str, year: str, number: str) -> HttpResponse:
    clause = clause_get(edition_get(f"{standard}:{year}"), number)
    assessment = services.assessment_for(clause)
    decision = Applicability.objects.filter(clause=clause).first()
    owners = User.objects.filter(is_active=True).order_by("first_name", "last_name")
    initial = (
        {
            "version": assessment.version,
            "status": assessment.status,
            "owner": assessment.owner_id,
            "due_date": assessment.due_date,
            "notes": assessment.notes,
        }
        if assessment
        else {"status": "not_started"}
    )
    form = AssessmentForm(
        request.POST if request.POST.get("form") == "assessment" else None, owners=owners, initial=initial
    )
    conflict = None
    if request.method == "POST" and form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            services.assessment_save(
                by=request.user,
                clause=clause,
                version=data["version"],
                status=data["status"],
                owner=data["owner"],
                notes=data["notes"],
                due_date=data["due_date"],
            )
        except ImsError as exc:
            conflict = exc.changed if isinstance(exc, ConflictError) else None
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Assessment saved."))
            return redirect(request.path)
    may_change = can(request.user, Action.CHANGE)
    found = (
        history_of(user=request.user, record_type="readiness.assessment", record_id=str(assessment.pk))
        if assessment
        else None
    )
    history = None if assessment and found is None else list((found or [])[:30])
    links = list(assessment.evidence.select_related("added_by")) if assessment else []
    shown = [
        {"e": e, "url": evidence.url_for(request.user, e.record_type, e.record_id)}
        for e in links
        if evidence.visible_to(request.user, e.record_type, e.record_id)
    ]
    return render(
        request,
        "readiness/requirement.html",
        {
            "clause": clause,
            "evidence_links": shown,
            "hidden_evidence": len(links) - len(shown),
            "assessment": assessment,
            "decision": decision,
            "form": form,
            "conflict": conflict,
            "applicability_form": ApplicabilityForm(
                initial={
                    "applicable": "no" if decision and not decision.applicable else "yes",
                    "justification": decision.justification if decision else "",
                    "version": decision.version if decision else None,
                }
            ),
            "evidence_form": EvidenceForm(),
            "checks": evidence.with_links(request.user, checks_for(clause, run_all())),
            "may_change": may_change,
            "may_decide": can(request.user, Action.APPROVE),
            "history": history,
        },
        status=(409 if conflict is not None else 422) if form.errors else 200,
    )


@require_POST
def applicability(request: HttpRequest, standard: str, year: str, number: str) -> HttpResponse:
    clause = clause_get(edition_get(f"{standard}:{year}"), number)
    form = ApplicabilityForm(request.POST)
    if form.is_valid():
        try:
            result = services.applicability_set(
                by=request.user,
                clause=clause,
                applicable=form.cleaned_data["applicable"],
                justification=form.cleaned_data["justification"],
                version=form.cleaned_data["version"],
            )
        except ImsError as exc:
            messages.error(request, exc.detail)
        else:
            for warning in result.warnings:
                messages.warning(request, warning)
            messages.success(request, _("Applicability saved."))
    return redirect("readiness:requirement", standard=standard, year=year, number=number)


@require_POST
def add_evidence(request: HttpRequest, standard: str, year: str, number: str) -> HttpResponse:
    clause = clause_get(edition_get(f"{standard}:{year}"), number)
    form = EvidenceForm(request.POST)
    if form.is_valid():
        try:
            services.evidence_link(by=request.user, clause=clause, **form.cleaned_data)
        except ImsError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, _("Evidence linked."))
    else:
        messages.error(request, _("Choose the kind of record and give its id."))
    return redirect("readiness:requirement", standard=standard, year=year, number=number)


def transition(request: HttpRequest, old: str, new: str) -> HttpResponse:
    before, after = edition_get(old), edition_get(new)
    rows = transition_rows(before, after)
    return render(
        request,
        "readiness/transition.html",
        {
            "before": before,
            "after": after,
            "rows": rows,
            "affected": [r for r in rows if r.affected],
        },
    )
