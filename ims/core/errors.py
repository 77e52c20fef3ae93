"""Errors raised by services, each mapped to one stable problem type.

The web views turn them into form errors or messages; the API turns them into
RFC 9457 problem details (see :mod:`ims.api.problems`). The ``type`` slug of
each class is part of the API contract and never changes.
"""

from __future__ import annotations

from typing import Any


class ImsError(Exception):
    """Base for every refusal a service can give."""

    slug = "error"
    title = "Request refused"
    status = 400

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class ValidationFailed(ImsError):
    """Input broke a rule; ``errors`` maps each field to its messages."""

    slug = "validation"
    title = "The input is not valid"
    status = 422

    def __init__(self, errors: dict[str, list[str]], detail: str | None = None) -> None:
        self.errors = errors
        summary = detail or "; ".join(
            f"{field}: {' '.join(msgs)}" if field != "__all__" else " ".join(msgs) for field, msgs in errors.items()
        )
        super().__init__(summary, errors=errors)


class PermissionRefused(ImsError):
    slug = "forbidden"
    title = "Not allowed"
    status = 403


class NotFound(ImsError):
    slug = "not-found"
    title = "Not found"
    status = 404


class ConflictError(ImsError):
    """Someone saved the record since the caller read it (stale ``version``)."""

    slug = "conflict"
    title = "The record was changed by someone else"
    status = 409

    def __init__(
        self,
        detail: str,
        *,
        current_version: int,
        changed: dict[str, dict[str, Any]],
    ) -> None:
        self.current_version = current_version
        self.changed = changed
        super().__init__(detail, current_version=current_version, changed=changed)


class WorkflowError(ImsError):
    """A state change the record's workflow table does not allow."""

    slug = "workflow"
    title = "Not allowed in the record's current state"
    status = 409


class AuthenticationFailed(ImsError):
    slug = "unauthenticated"
    title = "Authentication required"
    status = 401
