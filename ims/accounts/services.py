"""Writes for users, memberships, sign-in and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ims.accounts import permissions
from ims.accounts.models import ApiToken, Membership, User
from ims.accounts.permissions import Action, require
from ims.accounts.roles import Role
from ims.audit.services import record_change, snapshot
from ims.core import context
from ims.core.errors import AuthenticationFailed, PermissionRefused, ValidationFailed, WorkflowError
from ims.core.records import create_record, update_record
from ims.org.models import Site

USER_FIELDS = ("first_name", "last_name", "email", "is_active")
TOKEN_PREFIX = "ims_"


def generate_password() -> str:
    """A random password that satisfies the validators, for new users and resets."""
    return secrets.token_urlsafe(12)


# --- sign-in ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    message: str = ""


GENERIC_LOGIN_FAILURE = (
    "Wrong username or password, or the account is locked after repeated failures. "
    "Ask an administrator if you cannot sign in."
)


@transaction.atomic
def login_attempt(*, username: str, password: str) -> LoginResult:
    """Check a username and password, counting failures toward the lock-out.

    The message for a wrong password, an unknown user, a locked or an inactive
    account is the same, so it tells an attacker nothing.
    """
    user = User.objects.select_for_update().filter(username__iexact=username.strip()).first()
    if user is None:
        User().set_password(password)  # same work as a real check: no timing oracle
        record_change(action="login_failed", by=None, actor_label=username[:200], note="unknown username")
        return LoginResult(None, GENERIC_LOGIN_FAILURE)
    if user.is_locked or not user.is_active:
        record_change(
            action="login_failed",
            by=user,
            record=user,
            note="account locked" if user.is_locked else "account inactive",
        )
        return LoginResult(None, GENERIC_LOGIN_FAILURE)
    if not user.check_password(password):
        count_password_failure(user)
        return LoginResult(None, GENERIC_LOGIN_FAILURE)
    User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None, last_login=timezone.now())
    record_change(action="login", by=user, record=user)
    return LoginResult(user)


def count_password_failure(user: User, *, during: str = "") -> None:
    """Count a wrong password toward the lock-out, whether at sign-in or when re-entered to sign."""
    User.objects.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1)
    user.refresh_from_db(fields=["failed_login_count"])
    note = f"wrong password{f' {during}' if during else ''} ({user.failed_login_count} in a row)"
    if user.failed_login_count >= settings.IMS_LOCKOUT_THRESHOLD:
        until = timezone.now() + timedelta(minutes=settings.IMS_LOCKOUT_MINUTES)
        User.objects.filter(pk=user.pk).update(locked_until=until, failed_login_count=0)
        note += f"; locked until {until.isoformat(timespec='seconds')}"
    record_change(action="login_failed", by=user, record=user, note=note)


@transaction.atomic
def logout_record(*, user: User) -> None:
    record_change(action="logout", by=user, record=user)


# --- passwords -------------------------------------------------------------------------


def _validate_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed({"new_password": list(exc.messages)}) from None


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> User:
    """A user changes their own password; they must know the current one."""
    if not user.check_password(old_password):
        raise ValidationFailed({"old_password": ["Your current password is not correct."]})
    if old_password == new_password:
        raise ValidationFailed({"new_password": ["Choose a password different from the current one."]})
    _validate_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    record_change(action="password_change", by=user, record=user, changes={"password": ["(hidden)", "(changed)"]})
    return user


@transaction.atomic
def password_reset(*, by: Any, user: User, operator: str | None = None) -> str:
    """An administrator sets a new temporary password; the user must change it at sign-in.

    ``operator`` names someone at the server console (``ims reset-password``) who
    acts without an account; otherwise ``by`` must be a user administrator.
    """
    if operator is None:
        require(by, Action.MANAGE_USERS, what="users")
    password = generate_password()
    user.set_password(password)
    user.must_change_password = True
    user.failed_login_count = 0
    user.locked_until = None
    user.save(update_fields=["password", "must_change_password", "failed_login_count", "locked_until"])
    record_change(
        action="password_reset",
        by=by,
        actor_label=operator,
        record=user,
        changes={"password": ["(hidden)", "(reset)"]},
    )
    return password


@transaction.atomic
def user_unlock(*, by: Any, user: User) -> User:
    require(by, Action.MANAGE_USERS, what="users")
    if not user.is_locked:
        raise WorkflowError(f"{user} is not locked out.")
    User.objects.filter(pk=user.pk).update(locked_until=None, failed_login_count=0)
    user.refresh_from_db()
    record_change(action="unlock", by=by, record=user)
    return user


# --- users and memberships -------------------------------------------------------------


@dataclass(frozen=True)
class MembershipSpec:
    role: str
    site_id: int | None = None


@transaction.atomic
def user_create(
    *,
    by: Any,
    username: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    memberships: list[MembershipSpec] | None = None,
    password: str | None = None,
) -> tuple[User, str]:
    """Create a user with a generated password (shown once) they must change."""
    require(by, Action.MANAGE_USERS, what="users")
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed({"username": [f"The username “{username}” is taken."]})
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    plain = password or generate_password()
    if password is not None:
        _validate_password(password, user)
    user.set_password(plain)
    user.must_change_password = password is None
    create_record(user, by=by)
    if memberships:
        _replace_memberships(user=user, specs=memberships, by=by)
    return user, plain


@transaction.atomic
def user_update(*, by: Any, user: User, version: int, **fields: Any) -> User:
    require(by, Action.MANAGE_USERS, what="users")
    unknown = sorted(set(fields) - set(USER_FIELDS))
    if unknown:
        raise ValidationFailed({name: ["This field cannot be changed here."] for name in unknown})
    if fields.get("is_active") is False and getattr(by, "pk", None) == user.pk:
        raise WorkflowError("You cannot deactivate your own account.")
    return update_record(user, by=by, version=version, changes=fields)


@transaction.atomic
def memberships_set(*, by: Any, user: User, specs: list[MembershipSpec]) -> list[Membership]:
    """Replace a user's roles per site with ``specs``."""
    require(by, Action.MANAGE_USERS, what="users")
    if (
        getattr(by, "pk", None) == user.pk
        and not any(s.role == Role.ADMINISTRATOR and s.site_id is None for s in specs)
        and permissions.can(user, Action.MANAGE_USERS)
    ):
        raise WorkflowError("You cannot remove your own administrator role.")
    return _replace_memberships(user=user, specs=specs, by=by)


def _replace_memberships(*, user: User, specs: list[MembershipSpec], by: Any) -> list[Membership]:
    errors: list[str] = []
    seen: set[int | None] = set()
    valid_roles = {r.value for r in Role}
    site_ids = {s.site_id for s in specs if s.site_id is not None}
    known = set(Site.objects.filter(pk__in=site_ids).values_list("pk", flat=True))
    for i, spec in enumerate(specs, start=1):
        if spec.role not in valid_roles:
            errors.append(f"Membership {i}: unknown role “{spec.role}”.")
        if spec.site_id is not None and spec.site_id not in known:
            errors.append(f"Membership {i}: unknown site id {spec.site_id}.")
        if spec.site_id in seen:
            errors.append(f"Membership {i}: a second role for the same site.")
        seen.add(spec.site_id)
    if errors:
        raise ValidationFailed({"memberships": errors})
    before = _membership_view(user)
    user.memberships.all().delete()
    created = Membership.objects.bulk_create([Membership(user=user, role=s.role, site_id=s.site_id) for s in specs])
    after = _membership_view(user)
    if before != after:
        record_change(action="update", by=by, record=user, changes={"memberships": [before, after]})
    permissions.forget(user)
    return created


def _membership_view(user: User) -> list[str]:
    return sorted(f"{role}@{site or '*'}" for role, site in user.memberships.values_list("role", "site__code"))


# --- API tokens ------------------------------------------------------------------------


def hash_token(plain: str) -> str:
    # Tokens carry 256 bits of randomness, so a plain SHA-256 is a safe, fast
    # lookup key; a slow password hash would add nothing but latency.
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


@transaction.atomic
def token_create(*, user: User, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """Create a personal token. The plain value is returned once and never stored."""
    if user.must_change_password:
        raise PermissionRefused("Change your temporary password first; then create API tokens.")
    name = name.strip()
    if not name:
        raise ValidationFailed({"name": ["Give the token a name, e.g. “ERP export”."]})
    if expires_at is not None and timezone.is_naive(expires_at):
        expires_at = timezone.make_aware(expires_at)  # a date-time without offset is local time
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed({"expires_at": ["The expiry date must be in the future."]})
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name[:100], prefix=plain[:12], token_hash=hash_token(plain), expires_at=expires_at)
    create_record(token, by=user)
    return token, plain


@transaction.atomic
def token_revoke(*, by: User, token: ApiToken) -> ApiToken:
    """Revoke a token; its owner or a user administrator may."""
    if token.user_id != by.pk:
        require(by, Action.MANAGE_USERS, what="other people's tokens")
    if token.revoked_at is not None:
        raise WorkflowError(f"Token “{token.name}” is already revoked.")
    before = snapshot(token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_change(
        action="revoke", by=by, record=token, changes={"revoked_at": [before["revoked_at"], token.revoked_at]}
    )
    return token


def token_authenticate(*, plain: str) -> User:
    """The user a Bearer token belongs to, or AuthenticationFailed.

    Records the use: ``last_used_at`` and an audit entry, at most once per
    ``IMS_TOKEN_USE_AUDIT_SECONDS`` per token and client address.
    """
    token = (
        ApiToken.objects.select_related("user").filter(token_hash=hash_token(plain)).first()
        if plain.startswith(TOKEN_PREFIX)
        else None
    )
    if token is None:
        raise AuthenticationFailed("The API token is not valid.")
    if token.revoked_at is not None:
        raise AuthenticationFailed("The API token has been revoked.")
    if token.expires_at is not None and token.expires_at <= timezone.now():
        raise AuthenticationFailed("The API token has expired.")
    if not token.user.is_active:
        raise AuthenticationFailed("The account that owns this API token is deactivated.")
    _note_token_use(token)
    return token.user


def _note_token_use(token: ApiToken) -> None:
    now, ip = timezone.now(), context.current().ip or ""
    window = timedelta(seconds=settings.IMS_TOKEN_USE_AUDIT_SECONDS)
    if token.last_used_at and token.last_used_ip == ip and now - token.last_used_at < window:
        return
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip)
        record_change(action="token_use", by=token.user, record=token, note=f"token {token.prefix}…")
