"""Request-wide concerns: security headers, acting context, login requirement."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from ims.core.context import ActingContext, Channel, reset_context, set_context

# No inline script anywhere: htmx and our own scripts are static files.
# Inline style attributes are allowed (htmx and the API docs page set them).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(), microphone=()")
        return response


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Marks everything done during a browser request as coming from the web."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        is_api = request.path.startswith("/api/")
        token = set_context(ActingContext(channel=Channel.API if is_api else Channel.WEB, ip=client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            reset_context(token)


PUBLIC_PREFIXES = ("/api/", "/static/", "/healthz", "/readyz")


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Every page needs a login except the API (own auth), static files and health."""

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if request.path.startswith(PUBLIC_PREFIXES) or request.path == settings.MEDIA_URL:
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
