"""JSON rendering with orjson: the API's busiest lists spend most of their
serialisation time in the standard library's encoder."""

from __future__ import annotations

import decimal
import uuid
from typing import Any

import orjson
from django.http import HttpRequest
from django.utils.functional import Promise
from ninja.renderers import BaseRenderer
from pydantic import BaseModel


def _default(value: Any) -> Any:
    if isinstance(value, (decimal.Decimal, uuid.UUID, Promise)):
        return str(value)
    if isinstance(value, BaseModel):
        return value.model_dump()
    raise TypeError(f"Cannot encode {type(value).__name__} as JSON")


class OrjsonRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> bytes:
        # Datetimes as RFC 3339 with microseconds; non-string dict keys allowed.
        return orjson.dumps(data, default=_default, option=orjson.OPT_NON_STR_KEYS)
