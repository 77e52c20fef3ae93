"""The master list of documents (the document register auditors ask for): page, spreadsheet and PDF."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from ims.documents.master import XLSX_TYPE, MasterList, clause_choices, master_list, master_pdf, master_xlsx
from ims.web.pdf import PDF_TYPE


def _filters(request: HttpRequest) -> dict[str, str]:
    standard = request.GET.get("standard", "").strip()
    clause = request.GET.get("clause", "").strip()
    return {
        "standard": standard if standard.isascii() and len(standard) <= 20 else "",
        "clause": clause if clause.isascii() and clause.isdigit() else "",
    }


def _master(request: HttpRequest, f: dict[str, str]) -> MasterList:
    return master_list(request.user, standard=f["standard"], clause_id=int(f["clause"]) if f["clause"] else None)


def master(request: HttpRequest) -> HttpResponse:
    """Every current document with its revision, owner, sites, clauses, review and reading, and what is missing."""
    f = _filters(request)
    data = _master(request, f)
    query = urlencode({k: v for k, v in f.items() if v})
    return render(
        request,
        "documents/master.html",
        {"master": data, "filters": f, "query": query, "clause_groups": clause_choices(request.user)},
    )


def _download(data: MasterList, content: bytes, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    name = f"ims-master-list-{data.today:%Y-%m-%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def master_xlsx_view(request: HttpRequest) -> HttpResponse:
    data = _master(request, _filters(request))
    return _download(data, master_xlsx(data), XLSX_TYPE, "xlsx")


def master_pdf_view(request: HttpRequest) -> HttpResponse:
    data = _master(request, _filters(request))
    return _download(data, master_pdf(data, base_url=request.build_absolute_uri("/")), PDF_TYPE, "pdf")


urlpatterns: list[URLPattern] = [
    path("master/", master, name="master"),
    path("master/xlsx/", master_xlsx_view, name="master_xlsx"),
    path("master/pdf/", master_pdf_view, name="master_pdf"),
]
