"""The forms on an event's page: triage, moves along the workflow, containment, analysis, actions, closure.

Each posts here, calls one service and goes back to the event's page with what
happened; forms with several fields are shown again, filled in, when refused.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ims.core.errors import ImsError, PermissionRefused, ValidationFailed
from ims.improvement import actions as action_services
from ims.improvement import investigation, selectors, services, workflow
from ims.improvement.forms import (
    ActionForm,
    CancelForm,
    CheckForm,
    CloseForm,
    CompleteForm,
    ContainmentForm,
    LinkForm,
    RootCauseForm,
    StepForm,
    TriageForm,
    parse_rows,
    people_at,
)
from ims.improvement.models import ActionStatus, Event
from ims.improvement.views import _source_types, detail_context
from ims.processes.selectors import processes_visible_to
from ims.web.forms import apply_error

INCOMPLETE = "The form was incomplete; reload the page and try again."


def _back(event: Event, anchor: str = "") -> HttpResponse:
    return redirect(reverse("improvement:detail", args=[event.pk]) + (f"#{anchor}" if anchor else ""))


def _refused(request: HttpRequest, exc: ImsError) -> None:
    if isinstance(exc, PermissionRefused):
        raise exc
    messages.error(request, exc.detail)


def _again(request: HttpRequest, event: Event, **forms: Any) -> HttpResponse:
    event.refresh_from_db()
    return render(request, "improvement/event_detail.html", detail_context(request, event, **forms), status=422)


def _form_errors(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


@require_POST
def triage(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.user, pk)
    processes = processes_visible_to(request.user).filter(archived_at__isnull=True)
    form = TriageForm(request.POST, people=people_at(event.site), processes=processes)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.event_triage(by=request.user, event=event, **data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(
                request, _("%(ref)s triaged; %(owner)s owns it.") % {"ref": event.reference, "owner": event.owner}
            )
            return _back(event)
    return _again(request, event, triage_form=form)


@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.user, pk)
    post = request.POST
    version, to = post.get("version", ""), post.get("to", "")
    if not version.isascii() or not version.isdigit() or not to:
        messages.error(request, _(INCOMPLETE))
        return _back(event)
    duplicate_of = None
    reference = post.get("duplicate_of", "").strip()
    try:
        if reference:
            duplicate_of = selectors.events_visible_to(request.user).filter(reference__iexact=reference).first()
            if duplicate_of is None:
                raise ValidationFailed({"duplicate_of": [f"No event {reference} that you may see."]})
        moved = services.event_transition(
            by=request.user,
            event=event,
            version=int(version),
            to=to,
            reason=post.get("reason", ""),
            duplicate_of=duplicate_of,
        )
    except ImsError as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            _("%(ref)s is now at: %(status)s.") % {"ref": moved.reference, "status": workflow.label(moved.status)},
        )
    return _back(event)


@require_POST
def step(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.user, pk)
    form = StepForm(request.POST, people=people_at(event.site))
    if not form.is_valid():
        _form_errors(request, form)
        return _back(event, "workflow")
    data = form.cleaned_data
    try:
        services.step_update(
            by=request.user, event=event, version=data["version"], due=data["due"], owner=data["owner"]
        )
    except ImsError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Step re-planned."))
    return _back(event, "workflow")


@require_POST
def containment(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.user, pk)
    form = ContainmentForm(request.POST)
    if form.is_valid():
        try:
            investigation.containment_add(by=request.user, event=event, **form.cleaned_data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Containment recorded on %(ref)s.") % {"ref": event.reference})
            return _back(event, "containment")
    return _again(request, event, containment_form=form)


@require_POST
def whys(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.user, pk)
    version = request.POST.get("version", "")
    if not version.isascii() or not version.isdigit():
        messages.error(request, _(INCOMPLETE))
        return _back(event, "analysis")
    rows = parse_rows(request.POST, "why", ("why", "because"))
    try:
        investigation.whys_save(
            by=request.user, event=event, version=int(version), steps=[(r["why"], r["because"]) for r in rows]
        )
    except ImsError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("5 Whys saved."))
    return _back(event, "analysis")


@require_POST
def fishbone(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.user, pk)
    version = request.POST.get("version", "")
    if not version.isascii() or not version.isdigit():
        messages.error(request, _(INCOMPLETE))
        return _back(event, "analysis")
    rows = parse_rows(request.POST, "cause", ("branch", "text", "root"))
    try:
        investigation.fishbone_save(
            by=request.user,
            event=event,
            version=int(version),
            causes=[(r["branch"], r["text"], r["root"] in ("on", "1", "true")) for r in rows],
        )
    except ImsError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Fishbone diagram saved."))
    return _back(event, "analysis")


@require_POST
def root_cause(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.user, pk)
    form = RootCauseForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(event, "analysis")
    data = form.cleaned_data
    try:
        services.event_update(
            by=request.user,
            event=event,
            version=data["version"],
            root_cause=data["root_cause"],
            cause_category=data["cause_category"],
        )
    except ImsError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Root cause saved."))
        for warning in selectors.warnings_for(event):
            messages.warning(request, warning)
    return _back(event, "analysis")


@require_POST
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.user, pk)
    ineffective = [(str(a.pk), str(a.number)) for a in event.actions.filter(status=ActionStatus.INEFFECTIVE)]
    form = ActionForm(request.POST, people=people_at(event.site), ineffective=ineffective, link_types=_source_types())
    if form.is_valid():
        data = dict(form.cleaned_data)
        follow = data.pop("follow_up_of", "")
        link_type, link_id = data.pop("link_type"), data.pop("link_id").strip()
        try:
            if bool(link_type) != bool(link_id):
                raise ValidationFailed({"link_id": ["Give both the kind of record and its id, or neither."]})
            action = action_services.action_add(
                by=request.user,
                event=event,
                follow_up_of=event.actions.filter(pk=int(follow)).first() if follow else None,
                links=[(link_type, link_id)] if link_type else [],
                **data,
            )
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Action %(n)s planned.") % {"n": action.number})
            return _back(event, "actions")
    return _again(request, event, action_form=form)


def _action(request: HttpRequest, pk: int) -> Any:
    return selectors.action_get(request.user, pk)


@require_POST
def action_complete(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    form = CompleteForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(action.event, "actions")
    data = form.cleaned_data
    try:
        check = action_services.action_complete(
            by=request.user, action=action, version=data["version"], done_on=data["done_on"], note=data["note"]
        )
    except ImsError as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            _("Action %(n)s done; its effectiveness check is due on %(due)s.")
            % {"n": action.number, "due": f"{check.due:%Y-%m-%d}"},
        )
    return _back(action.event, "actions")


@require_POST
def action_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(action.event, "actions")
    try:
        action_services.action_cancel(
            by=request.user, action=action, version=form.cleaned_data["version"], reason=form.cleaned_data["reason"]
        )
    except ImsError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Action %(n)s cancelled.") % {"n": action.number})
    return _back(action.event, "actions")


@require_POST
def action_check(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    form = CheckForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(action.event, "actions")
    data = form.cleaned_data
    try:
        action_services.check_record(
            by=request.user, action=action, version=data["version"], result=data["result"], evidence=data["evidence"]
        )
    except ImsError as exc:
        _refused(request, exc)
    else:
        action.refresh_from_db()
        messages.success(
            request,
            _("Action %(n)s: %(status)s.") % {"n": action.number, "status": action.get_status_display().lower()},
        )
    return _back(action.event, "actions")


@require_POST
def action_link(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    form = LinkForm(request.POST, link_types=_source_types())
    if not form.is_valid():
        _form_errors(request, form)
        return _back(action.event, "actions")
    try:
        action_services.action_link(by=request.user, action=action, **form.cleaned_data)
    except ImsError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Link added to action %(n)s.") % {"n": action.number})
    return _back(action.event, "actions")


@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.user, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.event_close(
                by=request.user,
                event=event,
                version=form.cleaned_data["version"],
                password=form.cleaned_data["password"],
            )
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("%(ref)s closed and signed.") % {"ref": event.reference})
            return _back(event)
    return _again(request, event, close_form=form)
