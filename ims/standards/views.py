"""Pages of the standards library: editions, clause trees, the cross-reference matrix."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ims.standards import selectors
from ims.standards.exports import matrix_xlsx
from ims.standards.models import Edition


def library(request: HttpRequest) -> HttpResponse:
    editions = list(selectors.editions())
    counts = {e.pk: selectors.clauses_of(e).filter(requirements=True).count() for e in editions}
    transitions = [(e.supersedes, e) for e in editions if e.supersedes is not None]
    return render(
        request,
        "standards/library.html",
        {
            "editions": [(e, counts[e.pk]) for e in editions],
            "transitions": transitions,
        },
    )


def edition_detail(request: HttpRequest, standard: str, year: str) -> HttpResponse:
    edition = selectors.edition_get(f"{standard}:{year}")
    return render(request, "standards/edition.html", {"edition": edition, "clauses": selectors.clauses_of(edition)})


def _selected(request: HttpRequest) -> list[Edition]:
    keys = request.GET.getlist("e")
    return [selectors.edition_get(k) for k in keys] if keys else selectors.current_editions()


def matrix(request: HttpRequest) -> HttpResponse:
    selected = _selected(request)
    groups = selectors.matrix(selected)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            matrix_xlsx(groups, selected),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="ims-cross-reference.xlsx"'
        return response
    return render(
        request,
        "standards/matrix.html",
        {
            "groups": groups,
            "selected": selected,
            "all_editions": selectors.editions(),
            "selected_keys": [e.key for e in selected],
            "query": "&".join(f"e={e.key}" for e in selected),
        },
    )


def changes(request: HttpRequest, old: str, new: str) -> HttpResponse:
    before, after = selectors.edition_get(old), selectors.edition_get(new)
    rows = selectors.edition_changes(before, after)
    return render(request, "standards/changes.html", {"before": before, "after": after, "rows": rows})
