"""Extension points of monitoring for the concepts built on it.

* Readings changed: another concept (the GHG inventory's monthly activity)
  registers a function that receives ``{series_id: (first, last)}`` — the UTC
  instants spanned by the readings just written — and is called *inside* the
  transaction that wrote them, so an aggregate can never be staler than the
  readings it summarises.
* Series rules: another concept adds a rule a series must keep because of its
  own records (an emission source cannot become a sub-meter); the function
  receives the series as it would be saved and returns its problems by field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

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


_series_rules: list[Callable[[Any], dict[str, list[str]]]] = []


def on_series_rules(rule: Callable[[Any], dict[str, list[str]]]) -> None:
    if rule not in _series_rules:
        _series_rules.append(rule)


def series_problems(series: Any) -> dict[str, list[str]]:
    """The problems other concepts find with ``series`` as it would be saved, by field."""
    found: dict[str, list[str]] = {}
    for rule in _series_rules:
        for name, messages in rule(series).items():
            found.setdefault(name, []).extend(messages)
    return found
