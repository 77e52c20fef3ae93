"""Satisfaction KPIs with exact figures: CSAT normalised across scales, NPS, complaints per million units.

Worked out by hand (quality on 1–5, delivery on 0–10, recommend on 0–10):

2026-Q4, five responses — quality 5, 4, 2, 3, 5 → 100, 75, 25, 50, 100 %;
delivery 8, 6, 3, —, 10 → 80, 60, 30, 100 %: 620 % over 9 scores = 68.888… → CSAT 68.9.
Recommend 10, 9, 6, 8, 7: 2 promoters, 2 passives, 1 detractor → NPS (2 − 1) / 5 = +20.0.

2026-Q3, one response — quality 1 (0 %), delivery 5 (50 %) → CSAT 25.0; recommend 3 → NPS −100.0.
One complaint and 75,000 units shipped (north 10,000 and south 15,000 a month) → 13.3 per million.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ims.core.errors import ValidationFailed, WorkflowError
from ims.feedback import kpis, services
from ims.feedback.models import Score, SurveyResponse
from tests.feedback.conftest import QUESTIONS, answer

TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def results(manager, survey, customer, fermax, north, south):
    for quality, delivery, recommend in ((5, 8, 10), (4, 6, 9), (2, 3, 6), (3, None, 8), (5, 10, 7)):
        scores = {"quality": quality, "delivery": delivery, "recommend": recommend}
        answer(manager, survey, customer, dt.date(2026, 10, 15), **{k: v for k, v in scores.items() if v is not None})
    answer(manager, survey, fermax, dt.date(2026, 8, 14), quality=1, delivery=5, recommend=3)
    day = dt.date(2026, 7, 20)
    services.complaint_create(by=manager, customer=customer, received_on=day, description="Late delivery.")
    for text in ("Burrs.", "Wrong label."):
        services.complaint_create(by=manager, customer=customer, received_on=dt.date(2026, 10, 2), description=text)
    withdrawn = services.complaint_create(
        by=manager, customer=customer, received_on=dt.date(2026, 10, 3), description="Typo."
    )
    services.complaint_transition(
        by=manager, complaint=withdrawn, version=withdrawn.version, operation="withdraw", reason="Recorded twice."
    )
    services.compliment_add(
        by=manager, customer=fermax, site=north, received_on=dt.date(2026, 11, 2), description="Great packing."
    )
    for month in (7, 8, 9, 10, 11):
        services.shipment_volume_save(by=manager, site=north, month=dt.date(2026, month, 1), units=10_000)
        if month <= 9:
            services.shipment_volume_save(by=manager, site=south, month=dt.date(2026, month, 1), units=15_000)


def test_csat_nps_and_complaints_per_quarter(manager, results):
    rows = kpis.satisfaction(manager, granularity="quarter", count=3, today=TODAY)
    assert [r.period.label for r in rows] == ["2026-Q2", "2026-Q3", "2026-Q4"]
    q2, q3, q4 = rows
    assert (q4.responses, q4.scores, q4.csat) == (5, 9, Decimal("68.9"))
    assert (q4.recommend_answers, q4.promoters, q4.passives, q4.detractors, q4.nps) == (5, 2, 2, 1, Decimal("20.0"))
    assert (q4.complaints, q4.compliments, q4.units_shipped, q4.complaints_per_million) == (2, 1, None, None)
    assert (q3.csat, q3.nps, q3.complaints) == (Decimal("25.0"), Decimal("-100.0"), 1)
    assert (q3.units_shipped, q3.complaints_per_million) == (75_000, Decimal("13.3"))
    assert (q2.responses, q2.csat, q2.nps, q2.complaints) == (0, None, None, 0)
    assert kpis.trend([r.csat for r in rows]) == "up"
    assert kpis.trend([r.nps for r in rows]) == "up"


def test_per_month_and_per_year(manager, results):
    months = kpis.satisfaction(manager, granularity="month", count=5, today=TODAY)
    assert [(m.period.label, m.csat, m.complaints) for m in months] == [
        ("2026-07", None, 1),
        ("2026-08", Decimal("25.0"), 0),
        ("2026-09", None, 0),
        ("2026-10", Decimal("68.9"), 2),
        ("2026-11", None, 0),
    ]
    assert months[0].complaints_per_million == Decimal("40.0")  # 1 complaint / 25,000 units
    (year,) = kpis.satisfaction(manager, granularity="year", count=1, today=TODAY)
    # 620 + 0 + 50 = 670 % over 11 scores = 60.909… ; recommend: 2 promoters, 2 detractors of 6
    assert (year.period.label, year.csat, year.nps, year.complaints) == ("2026", Decimal("60.9"), Decimal("0.0"), 3)
    assert year.units_shipped is None  # December not recorded yet


def test_kpis_keep_to_the_readers_sites(outsider, owner, results):
    (q4,) = kpis.satisfaction(outsider, granularity="quarter", count=1, today=TODAY)
    assert (q4.csat, q4.complaints) == (Decimal("68.9"), 0)  # an organisation-wide survey, north's complaints
    (mine,) = kpis.satisfaction(owner, granularity="quarter", count=1, today=TODAY)
    assert mine.complaints == 2
    with pytest.raises(ValidationFailed):
        kpis.satisfaction(owner, granularity="week")


def test_a_score_out_of_its_scale_is_refused_and_nothing_is_saved(manager, survey, customer):
    day = dt.date(2026, 10, 1)
    with pytest.raises(ValidationFailed) as high:
        answer(manager, survey, customer, day, quality=6, delivery=11, recommend=10)
    assert high.value.errors == {
        "quality": ["6 is out of the scale 1–5 of “Quality of parts”."],
        "delivery": ["11 is out of the scale 0–10 of “Delivery on time”."],
    }
    with pytest.raises(ValidationFailed) as fraction:
        answer(manager, survey, customer, day, quality="4.5")
    assert fraction.value.errors == {"quality": ["“4.5” is not a whole number from 1–5."]}
    with pytest.raises(ValidationFailed) as unknown:
        answer(manager, survey, customer, day, price=3)
    assert unknown.value.errors == {
        "price": ["“price” is not a question of this survey; use: quality, delivery, recommend."]
    }
    with pytest.raises(ValidationFailed) as nothing:
        answer(manager, survey, customer, day)
    assert nothing.value.errors == {"scores": ["Give at least one score."]}
    assert not SurveyResponse.objects.exists()
    assert not Score.objects.exists()


def test_survey_questions_are_checked_and_fixed_once_answered(manager, survey, customer):
    with pytest.raises(ValidationFailed) as wrong:
        services.survey_create(
            by=manager,
            title="Bad",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 6, 30),
            questions=[
                services.QuestionSpec("nps", "Recommend?", 1, 5, recommend=True),
                services.QuestionSpec("q", "Same?", 3, 3),
                services.QuestionSpec("customer", "A column name", 1, 5),
            ],
        )
    assert wrong.value.errors == {
        "questions": [
            "Question 1 (nps): the “would you recommend us” question is scored 0 to 10.",
            "Question 2 (q): the top of the scale must be above its bottom.",
            "Question 3: “customer” names a column of the import file; choose another code.",
        ]
    }
    changed = [*QUESTIONS, services.QuestionSpec("price", "Price", 1, 5)]
    services.survey_update(by=manager, survey=survey, version=survey.version, questions=changed)
    assert list(survey.questions.values_list("code", flat=True)) == ["quality", "delivery", "recommend", "price"]
    answer(manager, survey, customer, dt.date(2026, 10, 1), price=4)
    with pytest.raises(WorkflowError):
        services.survey_update(by=manager, survey=survey, version=survey.version, questions=QUESTIONS)
