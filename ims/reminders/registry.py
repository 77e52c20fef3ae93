"""The registry of reminder sources: what is waiting for someone, from each register.

A source is a function registered with :func:`source`; it yields an
:class:`Item` for each thing a person should act on (a document to review, a
revision to sign, a document to read …). ``ims remind`` e-mails the new ones
and the dashboard lists them all. Each concept registers its own sources from
its own module, imported from its ``AppConfig.ready()``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple


class Item(NamedTuple):
    """Something waiting for ``user``. ``key`` names it with its due date or revision, unique per source."""

    user: Any
    key: str
    subject: str  # one line, e.g. "Approve PRO-ENV-004 revision 2 Spill response"
    body: str  # one line saying what to do and by when
    url: str  # the path of the page where it is done


# (today, user or None for everyone) -> the items waiting
SourceFunc = Callable[[dt.date, Any], Iterable[Item]]

SOURCES: dict[str, SourceFunc] = {}


def source(name: str) -> Callable[[SourceFunc], SourceFunc]:
    """Decorator: add a source of reminders under ``name`` (the prefix of its items' keys)."""

    def decorate(func: SourceFunc) -> SourceFunc:
        if name in SOURCES:
            raise ValueError(f"A reminder source named {name!r} is already registered")
        SOURCES[name] = func
        return func

    return decorate


def pending(*, today: dt.date, user: Any = None) -> list[Item]:
    """Every item waiting today (for ``user`` only, if given), keys prefixed with their source's name.

    Inactive people are never reminded.
    """
    found: list[Item] = []
    for name in sorted(SOURCES):
        for item in SOURCES[name](today, user):
            if not item.user.is_active or (user is not None and item.user.pk != user.pk):
                continue
            found.append(item._replace(key=f"{name}:{item.key}"))
    return found
