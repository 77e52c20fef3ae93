"""RFC 9457 problem details: every API error is JSON with a stable ``type``.

The catalogue below is the contract; ``GET /api/v1/problems`` serves it so a
``type`` can be looked up. Error responses are never HTML and never carry a
stack trace.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("ims.api")

PROBLEM_BASE = "/api/v1/problems#"
CONTENT_TYPE = "application/problem+json"

CATALOGUE: dict[str, tuple[int, str, str]] = {
    # slug: (status, title, when it happens)
    "bad-request": (400, "Bad request", "The request could not be read (malformed JSON, bad query)."),
    "unauthenticated": (
        401,
        "Authentication required",
        "No, an invalid, an expired or a revoked credential.",
    ),
    "forbidden": (403, "Not allowed", "Your roles do not allow this action on this record or site."),
    "csrf": (403, "CSRF check failed", "A session-authenticated write without the CSRF token."),
    "not-found": (404, "Not found", "No such record, or not one you may see."),
    "method-not-allowed": (405, "Method not allowed", "The path exists but not with this HTTP method."),
    "conflict": (
        409,
        "The record was changed by someone else",
        "The version you sent is stale; re-read and retry.",
    ),
    "workflow": (
        409,
        "Not allowed in the record's current state",
        "The record's workflow does not allow this step now.",
    ),
    "validation": (422, "The input is not valid", "One or more fields broke a rule; see errors."),
    "too-many-requests": (429, "Too many requests", "Slow down and retry after the given time."),
    "server-error": (
        500,
        "Unexpected error",
        "Something failed on our side; it was logged with a reference.",
    ),
    "error": (400, "Request refused", "A rule refused the request; see detail."),
    "integrity": (
        500,
        "The stored file failed its integrity check",
        "A stored file no longer matches the SHA-256 recorded at upload; it was not served.",
    ),
}

_STATUS_SLUG = {status: slug for slug, (status, _, _) in reversed(list(CATALOGUE.items()))}


def problem(
    *,
    status: int,
    detail: str,
    slug: str | None = None,
    title: str | None = None,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> HttpResponse:
    slug = slug or _STATUS_SLUG.get(status, "error")
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + slug,
        "title": title or CATALOGUE.get(slug, (status, "Error", ""))[1],
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update(extra)
    response = HttpResponse(json.dumps(body, ensure_ascii=False, default=str), status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def unauthenticated(detail: str, *, instance: str | None = None) -> HttpResponse:
    return problem(
        status=401,
        slug="unauthenticated",
        detail=detail,
        instance=instance,
        headers={"WWW-Authenticate": 'Bearer realm="ims"'},
    )


def server_error(request: HttpRequest, exc: BaseException | None = None) -> HttpResponse:
    reference = uuid.uuid4().hex[:12]
    logger.error("API error %s on %s %s", reference, request.method, request.path, exc_info=exc)
    return problem(
        status=500,
        slug="server-error",
        detail=f"An unexpected error occurred. It has been logged with reference {reference}.",
        instance=request.path,
        reference=reference,
    )


def catalogue() -> list[dict[str, Any]]:
    return [
        {"type": PROBLEM_BASE + slug, "status": status, "title": title, "description": description}
        for slug, (status, title, description) in CATALOGUE.items()
    ]
