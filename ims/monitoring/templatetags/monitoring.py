"""Template filters of the monitoring pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def reading(value: Any, places: int = 6) -> str:
    """A measured number as a person writes it: no trailing zeros, no exponent (1500, 1.25, 0.003)."""
    if value is None or value == "":
        return "—"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    text = f"{number:.{int(places)}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
