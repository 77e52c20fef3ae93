"""Own emission factors: who may write them, their rules, conflicts; published factors stay read-only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ims.audit.models import AuditEntry
from ims.core.errors import ConflictError, PermissionRefused, ValidationFailed, WorkflowError
from ims.factors import selectors
from ims.factors.models import EmissionFactor
from ims.factors.services import factor_archive, factor_create, factor_update
from tests.factors.conftest import factor

SUPPLY = {
    "year": 2025,
    "region": "GB",
    "scope": "2",
    "category": "electricity",
    "activity": "Green tariff, supplier disclosure",
    "activity_unit": "kWh",
    "co2e": Decimal("0.0123"),
    "gwp_set": "AR5",
    "market_based": True,
}


def test_a_process_owner_adds_a_factor_for_their_site(owner, north):
    made = factor_create(by=owner, site=north, citation="Supplier fuel mix disclosure 2025", **SUPPLY)
    assert (made.external_id, made.site, made.source, made.version) == ("EF-001", north, None, 1)
    assert made.source_unit == "kWh", "the unit as written defaults to the unit"
    assert str(EmissionFactor.objects.get(pk=made.pk).co2e) == "0.0123"
    entry = AuditEntry.objects.get(record_type="factors.emissionfactor", record_id=str(made.pk))
    assert entry.action == "create"
    assert entry.changes["co2e"] == [None, "0.0123"]
    assert factor_create(by=owner, site=north, **SUPPLY).external_id == "EF-002"


def test_an_organisation_wide_factor_needs_an_all_sites_role(owner, manager):
    with pytest.raises(PermissionRefused) as refused:
        factor_create(by=owner, **SUPPLY)
    assert refused.value.detail == "You are not allowed to create emission factors of the whole organisation."
    assert factor_create(by=manager, **SUPPLY).site is None


def test_viewers_and_outsiders_cannot_write_or_see_a_sites_factor(owner, viewer, outsider, north):
    with pytest.raises(PermissionRefused):
        factor_create(by=viewer, site=north, **SUPPLY)
    made = factor_create(by=owner, site=north, **SUPPLY)
    with pytest.raises(PermissionRefused) as refused:
        factor_update(by=outsider, factor=made, version=1, co2e=Decimal("0.5"))
    assert refused.value.detail == "You are not allowed to change emission factors of North plant."
    assert not selectors.factor_list(outsider).filter(pk=made.pk).exists()
    assert selectors.factor_list(viewer).filter(pk=made.pk).exists()


def test_the_rules_of_a_factor(manager):
    with pytest.raises(ValidationFailed) as refused:
        factor_create(
            by=manager,
            **{
                **SUPPLY,
                "activity_unit": "kilowatt hour-ish",
                "co2e": Decimal("-1"),
                "gwp_set": "",
                "valid_from": dt.date(2025, 6, 1),
                "valid_to": dt.date(2025, 1, 1),
            },
        )
    assert refused.value.errors == {
        "activity_unit": ["“kilowatt hour-ish” is not a unit."],
        "co2e": ["Must not be negative."],
        "gwp_set": ["Say which GWP set the CO2e figures use (AR4, AR5 or AR6)."],
        "valid_to": ["Must not be before the start of validity."],
    }
    with pytest.raises(ValidationFailed) as unknown:
        factor_create(by=manager, **{**SUPPLY, "source": None})
    assert unknown.value.errors == {"source": ["Unknown field."]}
    factor_create(by=manager, external_id="SUP-1", **SUPPLY)
    with pytest.raises(ValidationFailed) as twice:
        factor_create(by=manager, external_id="SUP-1", **SUPPLY)
    assert twice.value.errors == {"__all__": ["An own factor with this reference already exists."]}


def test_update_claims_the_version_and_refuses_a_stale_one(owner, north):
    made = factor_create(by=owner, site=north, **SUPPLY)
    updated = factor_update(by=owner, factor=made, version=1, co2e=Decimal("0.0119"), notes="2025 disclosure")
    assert (updated.version, str(updated.co2e)) == (2, "0.0119")
    stale = EmissionFactor.objects.get(pk=made.pk)
    with pytest.raises(ConflictError) as conflict:
        factor_update(by=owner, factor=stale, version=1, co2e=Decimal("0.02"))
    assert conflict.value.current_version == 2
    assert conflict.value.changed == {"co2e": {"current": "0.0119", "yours": "0.02"}}
    unchanged = factor_update(by=owner, factor=stale, version=2, co2e=Decimal("0.0119"))
    assert unchanged.version == 2, "saving the same values makes no new version"


def test_archive(owner, north):
    made = factor_create(by=owner, site=north, **SUPPLY)
    archived = factor_archive(by=owner, factor=made, version=1)
    assert archived.archived_at is not None
    with pytest.raises(WorkflowError) as again:
        factor_archive(by=owner, factor=archived, version=2)
    assert again.value.detail == "EF-001 is already archived."
    with pytest.raises(WorkflowError):
        factor_update(by=owner, factor=archived, version=2, notes="x")


@pytest.mark.usefixtures("shipped")
def test_published_factors_are_read_only(db, manager):
    published = factor("7_400_4000_5_1", 2025)
    with pytest.raises(WorkflowError) as refused:
        factor_update(by=manager, factor=published, version=published.version, co2e=Decimal("0.1"))
    assert refused.value.detail == (
        "7_400_4000_5_1 is published reference data (UK Government GHG Conversion Factors for Company Reporting: "
        "Flat File Format) and cannot be changed; add your own factor instead."
    )
    with pytest.raises(WorkflowError):
        factor_archive(by=manager, factor=published, version=published.version)
