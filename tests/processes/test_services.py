"""Processes: permissions by site (none: all sites), versions, links, archive, the 4.4 check."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import IntegrityError, transaction

from ims.audit.models import AuditEntry
from ims.core.errors import ConflictError, NotFound, PermissionRefused, ValidationFailed, WorkflowError
from ims.processes import selectors
from ims.processes.checks import processes_determined
from ims.processes.models import Process, ProcessLink
from ims.processes.services import link_add, link_remove, process_archive, process_create, process_update
from ims.readiness.checks import Status

PROCESS = {"name": "CNC machining", "kind": "core", "inputs": "Material\nDrawings", "outputs": "Machined parts"}


@pytest.fixture
def machining(owner, north):
    return process_create(by=owner, sites=[north], owner=owner, **PROCESS)


def test_create_numbers_cleans_lines_and_audits(owner, north):
    first = process_create(by=owner, sites=[north], **{**PROCESS, "inputs": " Material \n\n Drawings\n"})
    second = process_create(by=owner, sites=[north], **{**PROCESS, "name": "Assembly"})
    assert (first.reference, second.reference) == ("PRC-01", "PRC-02")
    assert first.inputs == "Material\nDrawings"
    assert first.input_list == ["Material", "Drawings"]
    assert first.standards == ["iso9001", "iso14001"]
    entry = AuditEntry.objects.filter(record_type="processes.process", action="create").first()
    assert entry.site_id == north.pk


def test_all_sites_processes_need_an_all_sites_role(owner, manager, viewer, outsider, north, south):
    with pytest.raises(PermissionRefused, match=re.escape("You are not allowed to create processes of all sites.")):
        process_create(by=owner, **PROCESS)
    everywhere = process_create(by=manager, **PROCESS)
    with pytest.raises(PermissionRefused):
        process_update(by=owner, process=everywhere, version=1, name="x")
    for user in (owner, viewer, outsider):
        assert list(selectors.process_list(user)) == [everywhere]
    with pytest.raises(PermissionRefused, match=re.escape("You are not allowed to create processes of S.")):
        process_create(by=owner, sites=[north, south], **PROCESS)


def test_outsider_and_viewer_are_refused(machining, outsider, viewer, north):
    with pytest.raises(PermissionRefused):
        process_create(by=outsider, sites=[north], **PROCESS)
    with pytest.raises(PermissionRefused):
        process_create(by=viewer, sites=[north], **PROCESS)
    with pytest.raises(PermissionRefused):
        process_update(by=viewer, process=machining, version=1, name="x")
    assert not selectors.process_list(outsider).exists()
    with pytest.raises(NotFound):
        selectors.process_get(outsider, machining.pk)


def test_version_conflict_unknown_fields_and_sites(machining, owner, manager, north, south):
    process_update(by=owner, process=machining, version=1, name="CNC turning and milling")
    stale = Process.objects.get(pk=machining.pk)
    stale.version = 1
    with pytest.raises(ConflictError):
        process_update(by=owner, process=stale, version=1, name="x")
    with pytest.raises(ValidationFailed):
        process_update(by=owner, process=machining, version=2, reference="PRC-99")
    with pytest.raises(ValidationFailed):
        process_update(by=owner, process=machining, version=2, kind="core-ish")
    machining.refresh_from_db()
    with pytest.raises(PermissionRefused):
        process_update(by=owner, process=machining, version=2, sites=[north, south])
    process_update(by=manager, process=machining, version=2, sites=[north, south])
    machining.refresh_from_db()
    assert machining.version == 3
    assert {s.code for s in machining.sites.all()} == {"N", "S"}


def test_archived_process_is_not_changed(machining, owner):
    process_archive(by=owner, process=machining, version=1)
    machining.refresh_from_db()
    with pytest.raises(WorkflowError, match=re.escape("PRC-01 is archived; restore it before changing it.")):
        process_update(by=owner, process=machining, version=machining.version, name="x")
    with pytest.raises(WorkflowError, match=re.escape("PRC-01 is already archived.")):
        process_archive(by=owner, process=machining, version=machining.version)
    assert not selectors.process_list(owner).exists()
    assert list(selectors.process_list(owner, archived=True)) == [machining]


def test_link_rules(machining, owner, outsider, north, south):
    assembly = process_create(by=owner, sites=[north], **{**PROCESS, "name": "Assembly"})
    link = link_add(by=owner, source=machining, target=assembly, label=" Machined parts ")
    assert link.label == "Machined parts"
    with pytest.raises(ValidationFailed) as self_link:
        link_add(by=owner, source=machining, target=machining, label="Parts")
    assert self_link.value.errors == {"target": ["A process cannot be linked to itself."]}
    with pytest.raises(ValidationFailed) as twice:
        link_add(by=owner, source=machining, target=assembly, label="Other")
    assert twice.value.errors == {"target": ["PRC-01 is already linked to PRC-02."]}
    with pytest.raises(ValidationFailed) as blank:
        link_add(by=owner, source=assembly, target=machining, label="  ")
    assert blank.value.errors == {"label": ["Say what flows from one process to the other."]}
    with pytest.raises(PermissionRefused):
        link_add(by=outsider, source=machining, target=assembly, label="x")
    out, into = selectors.links_of(owner, assembly)
    assert (out, into) == ([], [link])
    with pytest.raises(NotFound):
        link_remove(by=owner, source=assembly, link_id=link.pk)
    link_remove(by=owner, source=machining, link_id=link.pk)
    assert not ProcessLink.objects.exists()
    assert list(
        AuditEntry.objects.filter(record_type="processes.process", record_id=str(machining.pk))
        .order_by("id")
        .values_list("action", flat=True)
    ) == [
        "create",
        "link",
        "unlink",
    ]


def test_the_database_refuses_self_and_duplicate_links(machining, owner, north):
    other = process_create(by=owner, sites=[north], **PROCESS)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcessLink.objects.create(source=machining, target=machining, label="x")
    ProcessLink.objects.create(source=machining, target=other, label="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcessLink.objects.create(source=machining, target=other, label="y")


def test_site_filter_in_sql(manager, owner, north, south, django_assert_num_queries):
    process_create(by=manager, sites=[south], **{**PROCESS, "name": "Southern"})
    process_create(by=manager, sites=[north], **{**PROCESS, "name": "Northern"})
    process_create(by=manager, **{**PROCESS, "name": "Everywhere"})
    reader = type(owner).objects.get(pk=owner.pk)
    with django_assert_num_queries(3):  # memberships, the register, the prefetched sites
        assert [p.name for p in selectors.process_list(reader)] == ["Northern", "Everywhere"]
    assert [p.name for p in selectors.process_list(manager, site_id=south.pk)] == ["Southern", "Everywhere"]


NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


def test_check_no_data_fail_pass(owner, north):
    assert processes_determined(NOW).status == Status.NO_DATA
    process = process_create(by=owner, sites=[north], **{**PROCESS, "outputs": ""})
    process_create(by=owner, sites=[north], owner=owner, review_date=dt.date(2026, 5, 1), **PROCESS)
    result = processes_determined(NOW)
    assert result.status == Status.FAIL
    assert result.explanation == "Of 2 processes, 1 without an owner, 1 without outputs, 1 past the review date."
    process_update(by=owner, process=process, version=1, owner=owner, outputs="Parts")
    Process.objects.update(review_date=dt.date(2026, 12, 1))
    result = processes_determined(NOW)
    assert result.status == Status.PASS
    assert result.explanation == ("2 processes have an owner, inputs and outputs, and are within their review date.")
    Process.objects.filter(pk=process.pk).update(inputs="")
    assert processes_determined(NOW).explanation == "Of 2 processes, 1 without inputs."
