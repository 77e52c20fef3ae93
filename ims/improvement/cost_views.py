"""Pages for the cost of poor quality and the analysis of the register.

The cost forms post from an event's page and go back to it; the analysis page
(``/improvement/analysis``) shows the charts with their data tables, and
downloads the same figures as XLSX and PDF. The factor mapping page shows
which emission factors wasted material and extra energy take.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ims.accounts.permissions import Action as Permission
from ims.accounts.permissions import can
from ims.core.errors import ImsError, PermissionRefused
from ims.improvement import analysis, analysis_report, costs, selectors
from ims.improvement.models import (
    CostCategory,
    DisposalRoute,
    Event,
    EventStatus,
)
from ims.org.models import Organisation
from ims.org.selectors import sites_visible_to
from ims.web.forms import apply_error
from ims.web.pdf import PDF_TYPE

# --- forms -----------------------------------------------------------------------------


def set_choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class CostForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=CostCategory.choices)
    amount = forms.CharField(label=gettext_lazy("Amount"), max_length=30)
    currency = forms.CharField(
        label=gettext_lazy("Currency"), max_length=3, required=False, help_text=gettext_lazy("ISO 4217 code, e.g. EUR.")
    )
    rate = forms.CharField(
        label=gettext_lazy("Exchange rate"),
        max_length=30,
        required=False,
        help_text=gettext_lazy("Only for another currency: units of the reporting currency per one unit of it."),
    )
    description = forms.CharField(label=gettext_lazy("What it was"), max_length=300, required=False)


class MaterialForm(forms.Form):
    material = forms.ChoiceField(label=gettext_lazy("Material"))
    mass_kg = forms.CharField(label=gettext_lazy("Mass wasted (kg)"), max_length=30, required=False)
    route = forms.ChoiceField(label=gettext_lazy("What became of it"), choices=DisposalRoute.choices)
    containment = forms.ChoiceField(
        label=gettext_lazy("From the containment"),
        required=False,
        help_text=gettext_lazy("Leave the mass empty to take the containment's mass."),
    )
    description = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "material", costs.material_choices())
        held = [(str(c.pk), f"{c.description[:60]} ({c.mass_text} kg)") for c in event.containments.all()]
        set_choices(self, "containment", [("", "—"), *held])


class EnergyForm(forms.Form):
    carrier = forms.ChoiceField(label=gettext_lazy("Energy"))
    quantity = forms.CharField(label=gettext_lazy("Quantity"), max_length=30)
    unit = forms.CharField(
        label=gettext_lazy("Unit"), max_length=30, required=False, help_text=gettext_lazy("e.g. kWh, MWh, litre.")
    )
    description = forms.CharField(label=gettext_lazy("What it was for"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "carrier", costs.energy_choices())


class WindowForm(forms.Form):
    since = forms.DateField(label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    site = forms.ChoiceField(label=gettext_lazy("Site"), required=False)

    def __init__(self, *args: Any, sites: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "site", [("", _("All my sites")), *((str(s.pk), s.name) for s in sites)])


# --- an event's costs ------------------------------------------------------------------


def cost_context(request: HttpRequest, event: Event, **forms_given: Any) -> dict[str, Any]:
    """The cost section of an event's page."""
    may = can(request.user, Permission.CHANGE, site_id=event.site_id) and event.status not in (
        EventStatus.REJECTED,
        EventStatus.DUPLICATE,
    )
    return {
        "costs": costs.event_costs(event),
        "may_cost": may,
        "cost_form": forms_given.get("cost_form") or CostForm(initial={"currency": costs.reporting_currency()}),
        "material_form": forms_given.get("material_form") or MaterialForm(event=event),
        "energy_form": forms_given.get("energy_form") or EnergyForm(),
    }


def _back(event: Event) -> HttpResponse:
    return redirect(reverse("improvement:detail", args=[event.pk]) + "#costs")


def _again(request: HttpRequest, event: Event, **forms_given: Any) -> HttpResponse:
    from ims.improvement.views import detail_context

    event.refresh_from_db()
    return render(request, "improvement/event_detail.html", detail_context(request, event, **forms_given), status=422)


@require_POST
def cost_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.user, pk)
    form = CostForm(request.POST)
    if form.is_valid():
        try:
            line = costs.cost_add(by=request.user, event=event, **form.cleaned_data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Cost recorded: %(line)s.") % {"line": line})
            return _back(event)
    return _again(request, event, cost_form=form)


@require_POST
def material_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.user, pk)
    form = MaterialForm(request.POST, event=event)
    if form.is_valid():
        data = dict(form.cleaned_data)
        held = data.pop("containment")
        try:
            line = costs.material_add(
                by=request.user,
                event=event,
                containment=event.containments.filter(pk=held).first() if held else None,
                **data,
            )
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Wasted material recorded: %(kg)s kg CO2e.") % {"kg": line.kg_co2e})
            return _back(event)
    return _again(request, event, material_form=form)


@require_POST
def energy_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get(request.user, pk)
    form = EnergyForm(request.POST)
    if form.is_valid():
        try:
            line = costs.energy_add(by=request.user, event=event, **form.cleaned_data)
        except ImsError as exc:
            apply_error(request, form, exc)
        else:
            messages.success(request, _("Extra energy recorded: %(kg)s kg CO2e.") % {"kg": line.kg_co2e})
            return _back(event)
    return _again(request, event, energy_form=form)


@require_POST
def line_remove(request: HttpRequest, pk: int, kind: str, line_id: int) -> HttpResponse:
    event = selectors.event_get(request.user, pk)
    try:
        costs.line_remove(by=request.user, kind=kind, line_id=line_id, event=event)
    except PermissionRefused:
        raise
    except ImsError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Line removed; the event's history keeps what it said."))
    return _back(event)


# --- the analysis ----------------------------------------------------------------------


def _window(request: HttpRequest) -> tuple[analysis.Window, WindowForm]:
    sites = sites_visible_to(request.user).order_by("name")
    form = WindowForm(request.GET or None, sites=sites)
    today = timezone.localdate()
    window = analysis.Window.last_months(today=today)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        until = min(data["until"] or window.until, today)
        since = min(data["since"] or window.since, until)
        window = analysis.Window(since, until, int(data["site"]) if data["site"] else None)
    return window, form


def analysis_page(request: HttpRequest) -> HttpResponse:
    """Pareto, flow, ageing, overdue, recurrences and the cost of poor quality for the reader's sites."""
    window, form = _window(request)
    data = analysis.analysis_data(request.user, window)
    query = urlencode({k: v for k, v in request.GET.items() if k in ("since", "until", "site") and v})
    page = {**analysis_report.context(data), "form": form, "query": query}
    return render(request, "improvement/analysis.html", page)


def _name(window: analysis.Window, ext: str) -> str:
    return f"improvement-analysis-{window.since:%Y-%m-%d}-{window.until:%Y-%m-%d}.{ext}"


def analysis_xlsx(request: HttpRequest) -> HttpResponse:
    window, _form = _window(request)
    data = analysis.analysis_data(request.user, window)
    response = HttpResponse(analysis_report.analysis_xlsx(data), content_type=analysis_report.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_name(window, "xlsx")}"'
    return response


def analysis_pdf(request: HttpRequest) -> HttpResponse:
    window, _form = _window(request)
    data = analysis.analysis_data(request.user, window)
    organisation = Organisation.objects.values_list("name", flat=True).first() or "IMS"
    pdf = analysis_report.analysis_pdf(data, organisation=organisation, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type=PDF_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_name(window, "pdf")}"'
    return response


# --- which factors material and energy take --------------------------------------------


VERSION_LABEL = gettext_lazy("Version")
VERSION_HELP = gettext_lazy("To change an existing one: the version shown in the table.")


class MaterialMapForm(forms.Form):
    code = forms.SlugField(label=gettext_lazy("Code"), max_length=40)
    version = forms.IntegerField(label=VERSION_LABEL, required=False, min_value=1, help_text=VERSION_HELP)
    label = forms.CharField(label=gettext_lazy("Material"), max_length=150)
    material_activity = forms.CharField(label=gettext_lazy("“Material use” activity"), max_length=300)
    waste_activity = forms.CharField(label=gettext_lazy("“Waste disposal” activity"), max_length=300)
    region = forms.CharField(label=gettext_lazy("Region"), max_length=20, initial="GB")
    active = forms.BooleanField(label=gettext_lazy("In use"), required=False, initial=True)


class EnergyMapForm(forms.Form):
    code = forms.SlugField(label=gettext_lazy("Code"), max_length=40)
    version = forms.IntegerField(label=VERSION_LABEL, required=False, min_value=1, help_text=VERSION_HELP)
    label = forms.CharField(label=gettext_lazy("Energy"), max_length=150)
    category = forms.CharField(label=gettext_lazy("Factor category"), max_length=20)
    activity = forms.CharField(label=gettext_lazy("Activity"), max_length=300, required=False)
    factor_unit = forms.CharField(label=gettext_lazy("Unit of the factor"), max_length=100)
    scope = forms.CharField(label=gettext_lazy("Scope"), max_length=10, required=False)
    by_site_country = forms.BooleanField(label=gettext_lazy("The site's country first"), required=False)
    region = forms.CharField(label=gettext_lazy("Region"), max_length=20, initial="GB")
    active = forms.BooleanField(label=gettext_lazy("In use"), required=False, initial=True)


def impact_factors(request: HttpRequest) -> HttpResponse:
    """Which emission factors wasted material and extra energy take; changed by an all-sites manager."""
    may_change = can(request.user, Permission.CHANGE, site_id=None)
    material_form, energy_form = MaterialMapForm(prefix="m"), EnergyMapForm(prefix="e")
    if request.method == "POST":
        if not may_change:
            raise PermissionRefused(_("Only a manager of all sites may change which factors apply."))
        kind = request.POST.get("kind")
        form: forms.Form = (
            MaterialMapForm(request.POST, prefix="m") if kind == "material" else EnergyMapForm(request.POST, prefix="e")
        )
        if form.is_valid():
            try:
                save = costs.material_map_save if kind == "material" else costs.energy_map_save
                saved = save(by=request.user, **form.cleaned_data)
            except ImsError as exc:
                apply_error(request, form, exc)
            else:
                messages.success(request, _("Saved: %(label)s.") % {"label": saved.label})
                return redirect("improvement:impact_factors")
        if kind == "material":
            material_form = form  # type: ignore[assignment]
        else:
            energy_form = form  # type: ignore[assignment]
    materials, carriers = costs.mappings()
    return render(
        request,
        "improvement/impact_factors.html",
        {
            "materials": materials,
            "carriers": carriers,
            "routes": costs.ROUTE_COLUMNS.items(),
            "route_labels": dict(DisposalRoute.choices),
            "may_change": may_change,
            "material_form": material_form,
            "energy_form": energy_form,
            "currency": costs.reporting_currency(),
        },
        status=422 if request.method == "POST" else 200,
    )
