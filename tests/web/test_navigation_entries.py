"""Every register page has its entry in the main navigation, under its clause, marked as the current page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from ims.web.navigation import navigation_for

# (url name, entry label, clause group, address)
ENTRIES = [
    ("feedback:surveys", "Satisfaction surveys", "9", "/feedback/surveys/"),
    ("feedback:customers", "Customers", "9", "/feedback/customers/"),
    ("feedback:compliments", "Compliments", "9", "/feedback/compliments/"),
    ("feedback:shipments", "Units shipped", "9", "/feedback/shipments/"),
    ("kpis:aspect_monitoring", "Monitoring of significant aspects", "9", "/kpis/aspects/"),
    ("ghg:source_list", "Emission sources", "9", "/ghg/sources/"),
    ("ghg:instrument_list", "Contractual instruments", "9", "/ghg/instruments/"),
    ("factors:sources", "Emission factor sources", "9", "/factors/sources"),
    ("improvement:impact_factors", "Factors for waste and extra energy", "10", "/improvement/impact-factors"),
]

NAV = re.compile(r'<nav id="mainnav".*?</nav>', re.S)
CURRENT = re.compile(r'<a href="([^"]+)" class="active" aria-current="page">([^<]+)</a>')


def entries(groups: list[dict]) -> dict[str, tuple[str, str]]:
    """Each entry's address -> (clause of its group, label)."""
    return {item["url"]: (group["clause"], str(item["label"])) for group in groups for item in group["items"]}


@pytest.mark.parametrize(("url_name", "label", "clause", "path"), ENTRIES)
def test_the_entry_links_its_page_under_its_clause(viewer, url_name, label, clause, path):
    assert reverse(url_name) == path
    assert entries(navigation_for(viewer, "/"))[path] == (clause, label)


@pytest.mark.parametrize(("url_name", "label", "clause", "path"), ENTRIES)
def test_on_its_page_the_entry_is_the_one_current_entry(web, viewer, url_name, label, clause, path):
    response = web(viewer).get(path)
    assert response.status_code == 200
    nav = NAV.search(response.content.decode()).group(0)
    assert CURRENT.findall(nav) == [(path, label)]


def test_below_a_page_its_entry_stays_current_not_the_register_above_it(viewer):
    groups = navigation_for(viewer, "/feedback/customers/12/edit")
    assert [(i["url"], str(i["label"])) for g in groups for i in g["items"] if i["active"]] == [
        ("/feedback/customers/", "Customers")
    ]
    groups = navigation_for(viewer, "/ghg/sources/3/edit")
    assert [str(i["label"]) for g in groups for i in g["items"] if i["active"]] == ["Emission sources"]


def test_the_entries_of_clause_9_read_in_order(viewer):
    clause_9 = next(g for g in navigation_for(viewer, "/") if g["clause"] == "9")
    assert [str(i["label"]) for i in clause_9["items"]] == [
        "Customer satisfaction",
        "Satisfaction surveys",
        "Customer complaints",
        "Compliments",
        "Customers",
        "Units shipped",
        "Meters and metrics",
        "KPIs",
        "Quality dashboard",
        "Monitoring of significant aspects",
        "Measuring equipment",
        "Environmental dashboard",
        "Greenhouse gas inventory",
        "Emission sources",
        "Contractual instruments",
        "Emission factors",
        "Emission factor sources",
    ], "a viewer does not import readings"


def test_a_person_without_any_role_sees_none_of_them(make_user):
    nobody = make_user("nobody")
    shown = entries(navigation_for(nobody, "/"))
    assert [path for *_, path in ENTRIES if path in shown] == []


def test_a_process_owner_of_another_site_sees_them_too(outsider):
    shown = entries(navigation_for(outsider, "/"))
    assert [path for *_, path in ENTRIES if path not in shown] == []
