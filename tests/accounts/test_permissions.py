"""Who may do what, where: one matrix, asked by the web UI and the API alike."""

from __future__ import annotations

import pytest

from ims.accounts.permissions import Action, can, scope_for, visible
from ims.accounts.roles import Role
from ims.org.models import Site

# role -> actions it grants in its sites (the contract; a change here is a product decision)
EXPECTED = {
    Role.ADMINISTRATOR: set(Action),
    Role.IMS_MANAGER: set(Action) - {Action.MANAGE_USERS},
    Role.PROCESS_OWNER: {Action.VIEW, Action.CREATE, Action.CHANGE, Action.REPORT},
    Role.AUDITOR: {Action.VIEW, Action.VIEW_AUDIT, Action.REPORT},
    Role.CONTRIBUTOR: {Action.VIEW, Action.REPORT},
    Role.VIEWER: {Action.VIEW},
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", [a for a in Action if a not in {"manage_sites", "manage_org", "manage_users"}])
def test_each_role_is_allowed_exactly_its_site_actions(make_user, north, south, role, action):
    user = make_user(f"u-{role}", (role, north))
    assert can(user, action, site_id=north.pk) is (action in EXPECTED[role])
    assert can(user, action, site_id=south.pk) is False, "a site role never reaches another site"


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", [Action.MANAGE_SITES, Action.MANAGE_ORG, Action.MANAGE_USERS])
def test_organisation_wide_actions_need_an_all_sites_membership(make_user, north, role, action):
    everywhere = make_user(f"all-{role}", (role, None))
    one_site = make_user(f"one-{role}", (role, north))
    assert can(everywhere, action) is (action in EXPECTED[role])
    assert can(one_site, action) is False


def test_an_all_sites_role_covers_every_site_including_new_ones(manager, north):
    later = Site.objects.create(code="L", name="Later", country="FR", time_zone="Europe/Paris")
    assert can(manager, Action.CHANGE, site_id=later.pk)
    assert scope_for(manager, Action.CHANGE).all_sites


def test_roles_in_two_sites_combine_per_site(make_user, north, south):
    user = make_user("mixed", (Role.PROCESS_OWNER, north), (Role.VIEWER, south))
    assert can(user, Action.CHANGE, site_id=north.pk)
    assert not can(user, Action.CHANGE, site_id=south.pk)
    assert can(user, Action.VIEW, site_id=south.pk)


def test_a_deactivated_user_may_do_nothing(make_user, north):
    user = make_user("gone", (Role.ADMINISTRATOR, None), is_active=False)
    assert not can(user, Action.VIEW, site_id=north.pk)
    assert scope_for(user, Action.VIEW).empty


def test_a_user_without_membership_sees_no_site(make_user, north, south):
    nobody = make_user("nobody")
    assert list(visible(Site.objects.all(), nobody, site_field="pk")) == []


def test_visibility_is_filtered_in_the_query_not_in_python(outsider, north, south, django_assert_num_queries):
    outsider = type(outsider).objects.get(pk=outsider.pk)  # fresh object: memberships not cached
    with django_assert_num_queries(2):  # one for the memberships, one for the sites
        names = [s.name for s in visible(Site.objects.all(), outsider, site_field="pk")]
    assert names == ["South plant"]
    sql = str(visible(Site.objects.all(), outsider, site_field="pk").query)
    assert f"IN ({south.pk})" in sql.replace(" ", "").replace("IN(", "IN (")
