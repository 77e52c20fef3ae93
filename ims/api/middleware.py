"""Guarantees that nothing under /api/ answers with HTML.

Ninja's own handlers cover errors inside endpoints; this catches the rest
(unknown path, wrong method, errors raised outside an endpoint, DEBUG mode).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from ims.api import problems

_REASONS = {
    404: ("not-found", "No API endpoint at this path."),
    405: ("method-not-allowed", "This endpoint does not accept that HTTP method."),
    403: ("forbidden", "Not allowed."),
    400: ("bad-request", "The request could not be read."),
}


class ApiProblemMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/api/") or response.status_code < 400:
            return response
        content_type = response.get("Content-Type", "")
        if "json" in content_type:
            return response
        slug, detail = _REASONS.get(response.status_code, ("error", "The request failed."))
        if response.status_code >= 500:
            return problems.server_error(request)
        replaced = problems.problem(status=response.status_code, slug=slug, detail=detail, instance=request.path)
        if response.has_header("Allow"):
            replaced["Allow"] = response["Allow"]
        return replaced

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            return problems.server_error(request, exception)
        return None
