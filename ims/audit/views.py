"""The audit trail page: who changed what, filterable by record, action and person."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ims.audit import selectors
from ims.web.context import current_site_id


def audit_list(request: HttpRequest) -> HttpResponse:
    params = {k: request.GET.get(k, "").strip() for k in ("record_type", "record_id", "action")}
    qs = selectors.filter_entries(
        selectors.entries_visible_to(request.user),
        record_type=params["record_type"],
        record_id=params["record_id"],
        action=params["action"],
        site_id=current_site_id(request),
    ).order_by("-id")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    prefix = "".join(f"{k}={v}&" for k, v in params.items() if v)
    return render(request, "audit/list.html", {"page": page, "params": params, "querystring_prefix": prefix})
