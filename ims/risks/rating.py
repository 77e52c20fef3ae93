"""The risk matrix rule, as pure functions: score = likelihood × consequence, and the score's band."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ims.core.errors import ValidationFailed

BANDS = ("low", "medium", "high", "critical")
DEFAULT_SIZE = 5
DEFAULT_LIKELIHOOD_LABELS = ["Rare", "Unlikely", "Possible", "Likely", "Almost certain"]
DEFAULT_CONSEQUENCE_LABELS = ["Negligible", "Minor", "Moderate", "Major", "Severe"]
# A score at or above a band's minimum (and below the next one's) falls in that band.
DEFAULT_BANDS: list[dict[str, Any]] = [
    {"band": "low", "min": 1},
    {"band": "medium", "min": 5},
    {"band": "high", "min": 10},
    {"band": "critical", "min": 16},
]
DEFAULT_DESCRIPTION = (
    "Likelihood and consequence are each rated 1 to 5; the score is likelihood × consequence. "
    "Scores 1–4 are low, 5–9 medium, 10–15 high and 16–25 critical."
)


@dataclass(frozen=True)
class Rating:
    score: int
    band: str


def check_matrix(size: Any, likelihood_labels: Any, consequence_labels: Any, bands: Any) -> None:
    """Refuse a matrix that cannot rate every cell."""
    if isinstance(size, bool) or not isinstance(size, int) or not 2 <= size <= 10:
        raise ValidationFailed({"size": ["The matrix size must be a whole number from 2 to 10."]})
    for name, labels in (("likelihood_labels", likelihood_labels), ("consequence_labels", consequence_labels)):
        if not isinstance(labels, list) or len(labels) != size or not all(isinstance(x, str) and x for x in labels):
            raise ValidationFailed({name: [f"Give one label for each of the {size} levels."]})
    if not isinstance(bands, list) or not bands:
        raise ValidationFailed({"bands": ["Give at least one rating band."]})
    previous = 0
    for i, b in enumerate(bands, start=1):
        if not isinstance(b, dict) or b.get("band") not in BANDS:
            raise ValidationFailed({"bands": [f"Band {i} must be one of: {', '.join(BANDS)}."]})
        low = b.get("min")
        if isinstance(low, bool) or not isinstance(low, int) or low <= previous:
            raise ValidationFailed({"bands": ["Band minimum scores must be whole numbers rising from 1."]})
        previous = low
    if bands[0]["min"] != 1:
        raise ValidationFailed({"bands": ["The first band must start at score 1."]})
    if len({b["band"] for b in bands}) != len(bands):
        raise ValidationFailed({"bands": ["Each band only once."]})


def band_for(score: int, bands: list[dict[str, Any]]) -> str:
    """The band of a score: the last band whose minimum the score reaches."""
    found = bands[0]["band"]
    for b in bands:
        if score >= b["min"]:
            found = b["band"]
    return str(found)


def rate(likelihood: Any, consequence: Any, *, size: int, bands: list[dict[str, Any]], prefix: str = "") -> Rating:
    """Rate one pair of levels; each must be a whole number from 1 to the matrix size."""
    errors: dict[str, list[str]] = {}
    for name, value in (("likelihood", likelihood), ("consequence", consequence)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= size:
            errors[f"{prefix}{name}"] = [f"Rate the {name} from 1 to {size}."]
    if errors:
        raise ValidationFailed(errors)
    score = likelihood * consequence
    return Rating(score, band_for(score, bands))
