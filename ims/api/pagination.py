"""Limit/offset pagination with a maximum page size, the same for every list."""

from __future__ import annotations

from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

import orjson
from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from pydantic import BaseModel

from ims.core.errors import ValidationFailed

T = TypeVar("T")
DEFAULT_LIMIT = 50
MAX_OFFSET = 2**62  # larger values overflow the databases' integers


class Page(BaseModel, Generic[T]):
    """One page of a list. A plain pydantic model: no per-field Django wrappers on the hot path."""

    count: int
    limit: int
    offset: int
    next: str | None
    previous: str | None
    items: list[T]


def paginate(request: HttpRequest, qs: QuerySet[Any], *, limit: int, offset: int) -> dict[str, Any]:
    max_limit = settings.NINJA_PAGINATION_MAX_LIMIT
    errors: dict[str, list[str]] = {}
    if not 1 <= limit <= max_limit:
        errors["limit"] = [f"Must be between 1 and {max_limit}, got {limit}."]
    if not 0 <= offset <= MAX_OFFSET:
        errors["offset"] = [f"Must be between 0 and {MAX_OFFSET}, got {offset}."]
    if errors:
        raise ValidationFailed(errors)
    count = qs.count()
    items = list(qs[offset : offset + limit])
    return {
        "count": count,
        "limit": limit,
        "offset": offset,
        "next": _link(request, limit, offset + limit) if offset + limit < count else None,
        "previous": _link(request, limit, max(offset - limit, 0)) if offset > 0 else None,
        "items": items,
    }


def page_response(request: HttpRequest, rows: QuerySet[Any], *, limit: int, offset: int) -> HttpResponse:
    """A page of plain ``.values()`` rows rendered straight to JSON.

    For the busiest lists: the rows already have exactly the documented
    schema's fields, so re-validating every one through pydantic would only
    cost time. The endpoint still declares ``Page[Schema]`` for the OpenAPI
    document, and a test checks the output against it.
    """
    page = paginate(request, rows, limit=limit, offset=offset)
    return HttpResponse(orjson.dumps(page, default=str), content_type="application/json")


def _link(request: HttpRequest, limit: int, offset: int) -> str:
    params = request.GET.copy()
    params["limit"], params["offset"] = str(limit), str(offset)
    return f"{request.path}?{urlencode(sorted(params.items()))}"
