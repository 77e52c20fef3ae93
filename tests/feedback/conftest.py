"""A customer of the north site and a survey on mixed scales, for the feedback tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ims.feedback import services
from ims.feedback.services import QuestionSpec

QUESTIONS = [
    QuestionSpec("quality", "Quality of parts", 1, 5),
    QuestionSpec("delivery", "Delivery on time", 0, 10),
    QuestionSpec("recommend", "How likely are you to recommend us?", 0, 10, recommend=True),
]


@pytest.fixture
def customer(manager: Any, north: Any) -> Any:
    return services.customer_create(by=manager, code="agritech", name="Agri-Tech", sites=[north])


@pytest.fixture
def fermax(manager: Any) -> Any:
    return services.customer_create(by=manager, code="FERMAX", name="Fermax")


@pytest.fixture
def survey(manager: Any) -> Any:
    return services.survey_create(
        by=manager,
        title="Customer survey 2026",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        questions=QUESTIONS,
    )


def answer(by: Any, survey: Any, customer: Any, day: dt.date, **scores: Any) -> Any:
    return services.response_add(by=by, survey=survey, customer=customer, answered_on=day, scores=scores)
