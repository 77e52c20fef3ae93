"""API authentication: a personal Bearer token, or the browser session (with CSRF)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from ims.accounts.models import User
from ims.accounts.services import token_authenticate
from ims.core.errors import PermissionRefused


class ApiRequest(HttpRequest):
    """A request that passed API authentication: ``auth`` is the acting user."""

    auth: User


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(plain=token.strip())
        request.user = user
        return user


class BrowserSession(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            if getattr(user, "must_change_password", False):
                raise PermissionRefused("Change your temporary password first (My account), then use the API.")
            return user
        return None


AUTH = [TokenAuth(), BrowserSession(csrf=True)]
