"""Who is acting, through which channel and from where, for the audit trail.

Entry points (web middleware, API authentication, CLI, importers) set the
channel and the client address once; services pass the acting user explicitly
and :func:`ims.audit.services.record_change` reads the rest from here.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum


class Channel(StrEnum):
    WEB = "web"
    API = "api"
    CLI = "cli"
    IMPORT = "import"
    SYSTEM = "system"


@dataclass(frozen=True)
class ActingContext:
    channel: Channel
    ip: str | None = None


_current: contextvars.ContextVar[ActingContext] = contextvars.ContextVar(
    "ims_acting_context",
    default=ActingContext(channel=Channel.SYSTEM),  # noqa: B039 (frozen dataclass: immutable)
)


def current() -> ActingContext:
    return _current.get()


def set_context(ctx: ActingContext) -> contextvars.Token[ActingContext]:
    return _current.set(ctx)


def reset_context(token: contextvars.Token[ActingContext]) -> None:
    _current.reset(token)


@contextlib.contextmanager
def acting(channel: Channel, ip: str | None = None) -> Iterator[None]:
    token = _current.set(ActingContext(channel=channel, ip=ip))
    try:
        yield
    finally:
        _current.reset(token)
