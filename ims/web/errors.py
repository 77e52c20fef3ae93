"""Friendly error pages; under /api/ every error is problem JSON instead."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ims.api import problems


def _page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(request, "web/error.html", {"status": status, "title": title, "message": message}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return problems.problem(status=400, detail="The request could not be read.", instance=request.path)
    return _page(request, 400, "Bad request", "The request could not be understood.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return problems.problem(status=403, detail=str(exception or "Not allowed."), instance=request.path)
    message = (
        str(exception)
        if exception and str(exception)
        else ("Your role does not allow this page. Ask your IMS manager if you need access.")
    )
    return _page(request, 403, "Not allowed", message)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return problems.problem(
            status=404, slug="not-found", detail="No API endpoint at this path.", instance=request.path
        )
    return _page(request, 404, "Page not found", "There is nothing here, or nothing you may see.")


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return problems.server_error(request)
    return render(request, "web/500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if request.path.startswith("/api/"):
        return problems.problem(status=403, slug="csrf", detail="CSRF check failed.", instance=request.path)
    return _page(
        request,
        403,
        "Form expired",
        "The form was open too long or came from elsewhere. Go back, reload the page and try again.",
    )
