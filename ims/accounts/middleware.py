"""Send a user with a temporary password to change it before anything else."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# The API refuses such a user itself (ims.api.auth); these pages stay open so they can change it.
ALLOWED = ("/api/", "/static/", "/accounts/me/", "/accounts/logout/", "/accounts/login/")


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(ALLOWED):
            return self.get_response(request)  # checked first: loading the user costs a query
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            return redirect(reverse("accounts:account") + "?must_change=1")
        return self.get_response(request)
