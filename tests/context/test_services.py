"""Issues and interested parties: permissions (org-wide needs an all-sites role), versions, archive, checks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ims.audit.models import AuditEntry
from ims.context import selectors
from ims.context.checks import context_issues, interested_parties
from ims.context.models import InterestedParty, Issue
from ims.context.services import issue_archive, issue_create, issue_update, party_create, party_update
from ims.core.errors import ConflictError, PermissionRefused, ValidationFailed, WorkflowError
from ims.readiness.checks import Status

ISSUE = {"title": "Energy prices", "category": "economic", "origin": "external"}
PARTY = {"name": "Neighbours", "kind": "community", "needs": "No noise at night."}


@pytest.fixture
def issue(owner, north):
    return issue_create(by=owner, site=north, **ISSUE)


def test_create_numbers_and_audits(owner, north):
    first = issue_create(by=owner, site=north, **ISSUE)
    second = issue_create(by=owner, site=north, **{**ISSUE, "title": "Heat waves", "category": "climate"})
    assert (first.reference, second.reference) == ("ISS-001", "ISS-002")
    assert first.standards == ["iso9001", "iso14001"]
    assert AuditEntry.objects.filter(record_type="context.issue", action="create").count() == 2
    party = party_create(by=owner, site=north, **PARTY)
    assert party.reference == "IP-001"


def test_org_wide_records_need_an_all_sites_role(owner, manager, viewer, outsider, north):
    with pytest.raises(PermissionRefused, match="whole organisation"):
        issue_create(by=owner, site=None, **ISSUE)
    with pytest.raises(PermissionRefused):
        party_create(by=owner, site=None, **PARTY)
    org_wide = issue_create(by=manager, site=None, **ISSUE)
    assert org_wide.site is None
    with pytest.raises(PermissionRefused):
        issue_update(by=owner, issue=org_wide, version=1, title="x")
    # ... but everyone who may see something sees it
    for user in (owner, viewer, outsider):
        assert list(selectors.issue_list(user)) == [org_wide]
        assert selectors.issue_get(user, org_wide.pk) == org_wide


def test_outsider_and_viewer_are_refused(issue, outsider, viewer, north):
    with pytest.raises(PermissionRefused):
        issue_create(by=outsider, site=north, **ISSUE)
    with pytest.raises(PermissionRefused):
        issue_update(by=viewer, issue=issue, version=1, title="x")
    with pytest.raises(PermissionRefused):
        issue_create(by=viewer, site=north, **ISSUE)
    assert not selectors.issue_list(outsider).exists()


def test_the_site_filter_is_one_query(issue, outsider, owner, manager, django_assert_num_queries):
    issue_create(by=manager, site=None, **{**ISSUE, "title": "Org-wide"})
    owner_ = type(owner).objects.get(pk=owner.pk)
    with django_assert_num_queries(2):  # memberships, then the register
        assert [i.title for i in selectors.issue_list(owner_)] == ["Energy prices", "Org-wide"]


def test_version_conflict_and_unknown_fields(issue, owner):
    issue_update(by=owner, issue=issue, version=1, title="Energy prices (gas and power)")
    stale = Issue.objects.get(pk=issue.pk)
    stale.version = 1
    with pytest.raises(ConflictError):
        issue_update(by=owner, issue=stale, version=1, title="x")
    with pytest.raises(ValidationFailed):
        issue_update(by=owner, issue=issue, version=2, reference="ISS-999")
    with pytest.raises(ValidationFailed):
        issue_update(by=owner, issue=issue, version=2, standards=["iso45001"])
    with pytest.raises(ValidationFailed):
        issue_update(by=owner, issue=issue, version=2, standards=[])


def test_standards_are_stored_in_one_order(owner, north):
    party = party_create(by=owner, site=north, standards=["iso14001", "iso9001"], **PARTY)
    assert party.standards == ["iso9001", "iso14001"]
    assert list(selectors.party_list(owner, standard="iso14001")) == [party]
    party_update(by=owner, party=party, version=1, standards=["iso9001"])
    assert not selectors.party_list(owner, standard="iso14001").exists()
    assert list(selectors.party_list(owner, standard="iso9001")) == [party]


def test_archived_issue_is_not_changed(issue, owner):
    issue_archive(by=owner, issue=issue, version=1)
    issue.refresh_from_db()
    assert issue.archived_at is not None
    with pytest.raises(WorkflowError):
        issue_update(by=owner, issue=issue, version=issue.version, title="x")
    with pytest.raises(WorkflowError):
        issue_archive(by=owner, issue=issue, version=issue.version)
    assert not selectors.issue_list(owner).exists()
    assert list(selectors.issue_list(owner, archived=True)) == [issue]


NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


def test_issues_check_no_data_fail_pass(owner, north):
    assert context_issues(NOW).status == Status.NO_DATA
    issue = issue_create(by=owner, site=north, review_date=dt.date(2026, 5, 1), **ISSUE)
    Issue.objects.filter(pk=issue.pk).update(updated_at=NOW - dt.timedelta(days=10))
    result = context_issues(NOW)
    assert result.status == Status.FAIL
    assert result.explanation == (
        "1 of 1 issues are past their review date or were last updated more than 12 months ago."
    )
    issue_update(by=owner, issue=issue, version=1, review_date=dt.date(2026, 12, 1))
    Issue.objects.update(updated_at=NOW - dt.timedelta(days=10))
    result = context_issues(NOW)
    assert result.status == Status.FAIL
    assert "No issue covers climate change" in result.explanation
    issue_create(by=owner, site=north, **{**ISSUE, "title": "Heat waves", "category": "climate"})
    Issue.objects.update(updated_at=NOW - dt.timedelta(days=10))
    assert context_issues(NOW).status == Status.PASS
    Issue.objects.update(updated_at=NOW - dt.timedelta(days=400))
    assert context_issues(NOW).explanation.startswith("2 of 2 issues")


def test_parties_check_no_data_fail_pass(owner, north):
    assert interested_parties(NOW).status == Status.NO_DATA
    party = party_create(by=owner, site=north, standards=["iso9001"], **PARTY)
    InterestedParty.objects.update(updated_at=NOW - dt.timedelta(days=10))
    result = interested_parties(NOW)
    assert result.status == Status.FAIL
    assert result.explanation == "No active interested party is recorded for ISO 14001."
    party_update(by=owner, party=party, version=1, standards=["iso9001", "iso14001"])
    InterestedParty.objects.update(updated_at=NOW - dt.timedelta(days=10))
    assert interested_parties(NOW).status == Status.PASS
    InterestedParty.objects.update(updated_at=NOW - dt.timedelta(days=400))
    assert interested_parties(NOW).status == Status.FAIL
    InterestedParty.objects.update(updated_at=timezone.now(), archived_at=timezone.now())
    assert interested_parties(NOW).status == Status.FAIL
