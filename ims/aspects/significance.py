"""The significance rule, as a pure function: weighted scores against a threshold.

A criterion may also force significance on its own (typically "a legal
requirement applies"), whatever the total.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ims.core.errors import ValidationFailed

DEFAULT_CRITERIA: list[dict[str, Any]] = [
    {"key": "severity", "label": "Severity of the impact", "weight": 2, "max": 5},
    {"key": "frequency", "label": "Frequency or probability", "weight": 1, "max": 5},
    {"key": "scale", "label": "Scale (how far it reaches)", "weight": 1, "max": 5},
    {
        "key": "legal",
        "label": "Legal requirement applies (1 no, 2 yes)",
        "weight": 0,
        "max": 2,
        "forces_significance_at": 2,
    },
    {"key": "stakeholders", "label": "Concern of interested parties", "weight": 1, "max": 3},
]
DEFAULT_THRESHOLD = 13
DEFAULT_DESCRIPTION = (
    "Each aspect is scored 1 to the maximum on every criterion; the total is the sum of score × weight. "
    "An aspect is significant when the total reaches the threshold, or when a legal requirement applies to it."
)


@dataclass(frozen=True)
class Outcome:
    total: int
    significant: bool
    reason: str


def check_criteria(criteria: Any) -> None:
    if not isinstance(criteria, list) or not criteria:
        raise ValidationFailed({"criteria": ["Give at least one criterion."]})
    keys: set[str] = set()
    for i, c in enumerate(criteria, start=1):
        if not isinstance(c, dict) or not c.get("key") or not c.get("label"):
            raise ValidationFailed({"criteria": [f"Criterion {i} needs a key and a label."]})
        if c["key"] in keys:
            raise ValidationFailed({"criteria": [f"Criterion key “{c['key']}” appears twice."]})
        keys.add(c["key"])
        if not isinstance(c.get("max"), int) or c["max"] < 1 or not isinstance(c.get("weight"), int) or c["weight"] < 0:
            raise ValidationFailed({"criteria": [f"Criterion “{c['key']}” needs a whole max ≥ 1 and weight ≥ 0."]})


def evaluate(criteria: list[dict[str, Any]], threshold: int, scores: dict[str, Any]) -> Outcome:
    """Score an aspect; every criterion must be scored within 1..max."""
    errors: dict[str, list[str]] = {}
    total, forced = 0, []
    for c in criteria:
        value = scores.get(c["key"])
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= c["max"]:
            errors[c["key"]] = [f"Score {c['label'].lower()} from 1 to {c['max']}."]
            continue
        total += value * c["weight"]
        if c.get("forces_significance_at") is not None and value >= c["forces_significance_at"]:
            forced.append(c["label"])
    unknown = sorted(set(scores) - {c["key"] for c in criteria})
    for key in unknown:
        errors[key] = ["Not a criterion of the current method."]
    if errors:
        raise ValidationFailed(errors)
    if forced:
        return Outcome(total, True, f"Significant: {', '.join(forced).lower()}.")
    if total >= threshold:
        return Outcome(total, True, f"Significant: total {total} reaches the threshold {threshold}.")
    return Outcome(total, False, f"Not significant: total {total} is below the threshold {threshold}.")
