"""Turn a service refusal that a view did not handle into the right error page."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from ims.core.errors import ImsError, NotFound, PermissionRefused
from ims.web import errors


class ServiceErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, OverflowError):  # an id in the URL beyond any stored record
            return errors.page_not_found(request, None)
        if not isinstance(exception, ImsError):
            return None
        if isinstance(exception, PermissionRefused):
            return errors.permission_denied(request, exception)
        if isinstance(exception, NotFound):
            return errors.page_not_found(request, exception)
        return errors._page(request, exception.status, exception.title, exception.detail)
