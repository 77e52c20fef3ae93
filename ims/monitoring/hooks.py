"""Readings changed: the one extension point for aggregates kept beside the readings.

Another concept (the GHG inventory's monthly activity) registers a function
that receives ``{series_id: (first, last)}`` — the UTC instants spanned by the
readings just written — and is called *inside* the transaction that wrote
them, so an aggregate can never be staler than the readings it summarises.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Changed = dict[int, tuple[dt.datetime, dt.datetime]]
_listeners: list[Callable[[Changed], None]] = []


def on_readings_changed(listener: Callable[[Changed], None]) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def readings_changed(changed: Changed) -> None:
    """Tell every listener which series changed over which span; call inside the writing transaction."""
    if changed:
        for listener in _listeners:
            listener(changed)
