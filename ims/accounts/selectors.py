"""Reads of users and tokens."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from ims.accounts.models import ApiToken, User
from ims.accounts.permissions import Action, require
from ims.core.errors import NotFound, PermissionRefused


def signed_in(request: HttpRequest) -> User:
    """The signed-in user of a page request (the login middleware guarantees one)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionRefused("Sign in first.")
    return user


def user_list(by: Any, *, q: str = "", active: bool | None = None) -> QuerySet[User]:
    require(by, Action.MANAGE_USERS, what="users")
    qs = User.objects.prefetch_related("memberships__site")
    if q:
        qs = qs.filter(
            Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q) | Q(email__icontains=q)
        )
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("username")


def user_get(by: Any, pk: int) -> User:
    user = user_list(by).filter(pk=pk).first()
    if user is None:
        raise NotFound(f"No user with id {pk}.")
    return user


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def token_get(user: User, pk: int) -> ApiToken:
    token = tokens_of(user).filter(pk=pk).first()
    if token is None:
        raise NotFound(f"No token with id {pk} of yours.")
    return token
