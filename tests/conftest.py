"""Personas and helpers shared by every test.

Two sites (north, south) and one user per role. The *outsider* holds a role
only at the south site, so every feature can prove it hides north's records
from people of another site.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from ims.accounts.models import Membership, User
from ims.accounts.roles import Role
from ims.accounts.services import token_create
from ims.core.context import Channel, acting
from ims.org.models import Organisation, Site

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _cli_context() -> Any:
    """Writes made directly by tests count as CLI actions (web/API set their own)."""
    with acting(Channel.CLI, ip="127.0.0.1"):
        yield


@pytest.fixture
def org(db: Any) -> Organisation:
    return Organisation.objects.create(pk=1, name="Test Works")


@pytest.fixture
def north(db: Any) -> Site:
    return Site.objects.create(code="N", name="North plant", country="DE", time_zone="Europe/Berlin")


@pytest.fixture
def south(db: Any) -> Site:
    return Site.objects.create(code="S", name="South plant", country="ES", time_zone="Europe/Madrid")


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    def make(username: str, *roles: tuple[str, Site | None], **fields: Any) -> User:
        user = User(username=username, first_name=username.title(), **fields)
        user.set_password(PASSWORD)
        user.save()
        for role, site in roles:
            Membership.objects.create(user=user, role=role, site=site)
        return user

    return make


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user("admin", (Role.ADMINISTRATOR, None))


@pytest.fixture
def manager(make_user: Callable[..., User]) -> User:
    return make_user("manager", (Role.IMS_MANAGER, None))


@pytest.fixture
def owner(make_user: Callable[..., User], north: Site) -> User:
    return make_user("owner", (Role.PROCESS_OWNER, north))


@pytest.fixture
def auditor(make_user: Callable[..., User]) -> User:
    return make_user("auditor", (Role.AUDITOR, None))


@pytest.fixture
def contributor(make_user: Callable[..., User], north: Site) -> User:
    return make_user("contributor", (Role.CONTRIBUTOR, north))


@pytest.fixture
def viewer(make_user: Callable[..., User], north: Site) -> User:
    return make_user("viewer", (Role.VIEWER, north))


@pytest.fixture
def outsider(make_user: Callable[..., User], south: Site) -> User:
    """A process owner of the south site only."""
    return make_user("outsider", (Role.PROCESS_OWNER, south))


class ApiClient:
    """Calls /api/v1 with a personal Bearer token, like an integrator would."""

    def __init__(self, user: User) -> None:
        self.user = user
        _, self.token = token_create(user=user, name="tests")
        self.client = Client()

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params, headers=self._headers())

    def _send(self, method: str, path: str, body: Any) -> Any:
        call = getattr(self.client, method)
        return call(f"/api/v1{path}", data=json.dumps(body), content_type="application/json", headers=self._headers())

    def post(self, path: str, body: Any = None) -> Any:
        return self._send("post", path, body if body is not None else {})

    def patch(self, path: str, body: Any) -> Any:
        return self._send("patch", path, body)

    def put(self, path: str, body: Any) -> Any:
        return self._send("put", path, body)

    def delete(self, path: str) -> Any:
        return self.client.delete(f"/api/v1{path}", headers=self._headers())


@pytest.fixture
def api() -> Callable[[User], ApiClient]:
    return ApiClient


@pytest.fixture
def web() -> Callable[[User], Client]:
    def signed_in(user: User) -> Client:
        client = Client()
        client.force_login(user, backend="ims.accounts.backends.LockoutAwareBackend")
        return client

    return signed_in


def assert_problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    """The response is an RFC 9457 problem of the given type; returns its body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"] == f"/api/v1/problems#{slug}"
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    return body
