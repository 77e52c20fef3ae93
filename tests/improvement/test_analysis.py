"""Containment with quantities and disposition, the 5 Whys, the fishbone, and the shallow-cause warning."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ims.core.errors import ConflictError, PermissionRefused, ValidationFailed
from ims.improvement import investigation, selectors, services
from ims.improvement.models import Containment, EventStatus, EventType, FishboneCause, WhyStep
from tests.improvement.conftest import at, cause, fresh, report

S = EventStatus


def test_a_negative_quantity_is_refused_and_nothing_is_saved(manager, north):
    event = at(S.CONTAINMENT, manager, north)
    with pytest.raises(ValidationFailed) as refused:
        investigation.containment_add(by=manager, event=event, description="Scrapped.", quantity=-5, unit="pcs")
    assert refused.value.errors == {"quantity": ["Give zero or more; -5 is negative."]}
    with pytest.raises(ValidationFailed) as mass:
        investigation.containment_add(by=manager, event=event, description="Scrapped.", mass_kg="-0.5")
    assert mass.value.errors == {"mass_kg": ["Give zero or more; -0.5 is negative."]}
    assert not Containment.objects.exists()


def test_quantities_carry_a_unit_pint_understands(manager, north):
    event = at(S.CONTAINMENT, manager, north)
    with pytest.raises(ValidationFailed) as no_unit:
        investigation.containment_add(by=manager, event=event, description="Held.", quantity=12)
    assert no_unit.value.errors == {"unit": ["Give the unit of the quantity, e.g. pcs, kg, L or m."]}
    with pytest.raises(ValidationFailed) as bad_unit:
        investigation.containment_add(by=manager, event=event, description="Held.", quantity=12, unit="crates")
    assert bad_unit.value.errors == {"unit": ["“crates” is not a unit; use e.g. pcs, kg, t, L, m³ or m."]}
    with pytest.raises(ValidationFailed) as no_quantity:
        investigation.containment_add(by=manager, event=event, description="Held.", unit="kg")
    assert no_quantity.value.errors == {"quantity": ["Give the quantity in kg, or leave the unit empty."]}
    pieces = investigation.containment_add(
        by=manager,
        event=event,
        description="120 brackets quarantined.",
        quantity="120",
        unit="pcs",
        disposition="scrap",
    )
    assert (pieces.quantity, pieces.unit, pieces.mass_kg, pieces.quantity_text) == (
        Decimal(120),
        "pcs",
        None,
        "120 pcs",
    )
    steel = investigation.containment_add(
        by=manager, event=event, description="Offcuts.", quantity="1.2", unit="t", disposition="scrap"
    )
    assert fresh(event).containments.get(pk=steel.pk).mass_kg == Decimal("1200.000")


def test_use_as_is_needs_a_concession(manager, north):
    event = at(S.CONTAINMENT, manager, north)
    with pytest.raises(ValidationFailed) as refused:
        investigation.containment_add(
            by=manager, event=event, description="Shipped.", disposition="use_as_is_concession"
        )
    assert refused.value.errors == {
        "concession": ["Use as is needs a concession: say who granted it, and its reference."]
    }
    kept = investigation.containment_add(
        by=manager,
        event=event,
        description="Shipped.",
        disposition="use_as_is_concession",
        concession="Customer deviation CD-118",
    )
    assert kept.get_disposition_display() == "Use as is, with concession"


def test_containment_may_start_before_triage_but_not_by_a_contributor(manager, contributor, north):
    spill = report(contributor, north, type=EventType.ENVIRONMENTAL_INCIDENT, description="Oil under press 3.")
    with pytest.raises(PermissionRefused):
        investigation.containment_add(by=contributor, event=spill, description="Absorbent laid.")
    done = investigation.containment_add(by=manager, event=spill, description="Absorbent laid.", quantity=20, unit="L")
    assert done.quantity_text == "20 L"


def test_the_five_whys_are_a_chain_replaced_whole(manager, north):
    event = at(S.ROOT_CAUSE, manager, north)
    with pytest.raises(ValidationFailed) as half:
        investigation.whys_save(
            by=manager, event=event, version=event.version, steps=[("Why burrs?", "Worn punch"), ("Why?", "")]
        )
    assert half.value.errors == {"whys": ["Why 2: give both the question and the answer."]}
    chain = [
        ("Why were there burrs?", "The punch was worn."),
        ("", ""),
        ("Why was it worn?", "It ran 200 000 strokes."),
        ("Why so long?", "No replacement interval exists."),
    ]
    before = event.version
    investigation.whys_save(by=manager, event=event, version=before, steps=chain)
    stored = list(WhyStep.objects.filter(event=event).values_list("position", "because"))
    assert stored == [
        (1, "The punch was worn."),
        (2, "It ran 200 000 strokes."),
        (3, "No replacement interval exists."),
    ]
    assert fresh(event).version == before + 1
    with pytest.raises(ConflictError):
        investigation.whys_save(by=manager, event=fresh(event), version=before, steps=chain[:1])
    assert WhyStep.objects.filter(event=event).count() == 3


def test_the_fishbone_stores_causes_by_branch_with_the_root_ones_marked(manager, north):
    event = at(S.ROOT_CAUSE, manager, north)
    with pytest.raises(ValidationFailed) as refused:
        investigation.fishbone_save(by=manager, event=event, version=event.version, causes=[("money", "Budget", False)])
    assert refused.value.errors["fishbone"][0].startswith("“money” is not a branch; use one of: people, method,")
    investigation.fishbone_save(
        by=manager,
        event=event,
        version=event.version,
        causes=[
            ("machine", "Worn punch", True),
            ("people", "New setter", False),
            ("method", "No replacement interval", True),
            ("material", "  ", False),
        ],
    )
    rows = set(FishboneCause.objects.filter(event=event).values_list("branch", "text", "is_root"))
    assert rows == {
        ("machine", "Worn punch", True),
        ("people", "New setter", False),
        ("method", "No replacement interval", True),
    }


@pytest.mark.parametrize(
    ("category", "whys", "warned"),
    [
        ("human_error", 0, True),
        ("human_error", 2, True),
        ("training", 2, True),
        ("human_error", 3, False),
        ("maintenance", 0, False),
    ],
)
def test_a_shallow_cause_without_three_whys_is_warned_not_refused(category, whys, warned, manager, north):
    event = at(S.ROOT_CAUSE, manager, north)
    steps = [(f"Why {n}?", f"Because {n}.") for n in range(1, whys + 1)]
    if steps:
        investigation.whys_save(by=manager, event=event, version=event.version, steps=steps)
    event = fresh(event)
    services.event_update(
        by=manager,
        event=event,
        version=event.version,
        root_cause="The operator forgot.",
        cause_category=cause(category),
    )
    warnings = selectors.warnings_for(fresh(event))
    if not warned:
        assert warnings == []
        return
    label = cause(category).label
    assert warnings == [
        f"The root cause is “{label}” with only {whys} why{'s' if whys != 1 else ''} behind it. {label} is rarely "
        "the root cause: ask why at least 3 times, until you reach the method, equipment or system that let it happen."
    ]
    moved = services.event_transition(by=manager, event=fresh(event), version=fresh(event).version, to=S.ACTION_PLAN)
    assert moved.status == S.ACTION_PLAN  # a warning, not a refusal
