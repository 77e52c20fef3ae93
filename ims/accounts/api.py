"""API for the caller's own account, their tokens, and user administration."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Router, Schema, Status

from ims.accounts import permissions, selectors, services
from ims.accounts.models import ApiToken, User
from ims.accounts.permissions import Action
from ims.api.auth import ApiRequest
from ims.api.pagination import DEFAULT_LIMIT, Page, paginate

router = Router()


class MembershipOut(Schema):
    role: str
    site_id: int | None
    site_code: str | None = None

    @staticmethod
    def resolve_site_code(obj: object) -> str | None:
        site = getattr(obj, "site", None)
        return site.code if site is not None else None


class UserOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    is_active: bool
    is_locked: bool
    must_change_password: bool
    last_login: datetime | None
    memberships: list[MembershipOut]
    version: int

    @staticmethod
    def resolve_memberships(obj: User) -> list[object]:
        return list(obj.memberships.all())


class MeOut(UserOut):
    allowed: dict[str, str]

    @staticmethod
    def resolve_allowed(obj: User) -> dict[str, str]:
        """For each action: "all sites", a list of site ids, or "none"."""
        result: dict[str, str] = {}
        for action in Action:
            scope = permissions.scope_for(obj, action)
            result[action.value] = (
                "all sites" if scope.all_sites else ",".join(map(str, sorted(scope.site_ids))) or "none"
            )
        return result


@router.get("/me", response=MeOut, tags=["account"], summary="Who you are and what you may do")
def me(request: ApiRequest) -> object:
    return request.auth


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    status: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="The secret. Shown this once; store it safely.")


class TokenIn(Schema):
    name: str = Field(max_length=100)
    expires_at: datetime | None = None


@router.get("/tokens", response=list[TokenOut], tags=["account"], summary="Your API tokens")
def list_tokens(request: ApiRequest) -> object:
    return list(selectors.tokens_of(request.auth))


@router.post("/tokens", response={201: TokenCreated}, tags=["account"])
def create_token(request: ApiRequest, payload: TokenIn) -> Status[ApiToken]:
    token, plain = services.token_create(user=request.auth, name=payload.name, expires_at=payload.expires_at)
    token.token = plain  # type: ignore[attr-defined]  # shown in this one response only
    return Status(201, token)


@router.delete("/tokens/{token_id}", response=TokenOut, tags=["account"], summary="Revoke one of your tokens")
def revoke_token(request: ApiRequest, token_id: int) -> object:
    return services.token_revoke(by=request.auth, token=selectors.token_get(request.auth, token_id))


# --- user administration ---------------------------------------------------------------


class MembershipIn(Schema):
    role: str
    site_id: int | None = None


class UserIn(Schema):
    username: str = Field(max_length=150)
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    memberships: list[MembershipIn] = []


class UserCreated(UserOut):
    temporary_password: str = Field(description="Shown once; the user must change it at sign-in.")


class UserPatch(Schema):
    version: int
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    is_active: bool | None = None


class PasswordOut(Schema):
    temporary_password: str


def _specs(items: list[MembershipIn]) -> list[services.MembershipSpec]:
    return [services.MembershipSpec(role=m.role, site_id=m.site_id) for m in items]


@router.get("/users", response=Page[UserOut], tags=["users"])
def list_users(
    request: ApiRequest,
    q: str = "",
    active: bool | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> dict[str, object]:
    return paginate(request, selectors.user_list(request.auth, q=q, active=active), limit=limit, offset=offset)


@router.get("/users/{user_id}", response=UserOut, tags=["users"])
def get_user(request: ApiRequest, user_id: int) -> object:
    return selectors.user_get(request.auth, user_id)


@router.post("/users", response={201: UserCreated}, tags=["users"])
def create_user(request: ApiRequest, payload: UserIn) -> Status[User]:
    fields = payload.dict()
    fields.pop("memberships")
    user, password = services.user_create(by=request.auth, memberships=_specs(payload.memberships), **fields)
    created = selectors.user_get(request.auth, user.pk)
    created.temporary_password = password  # type: ignore[attr-defined]  # shown in this one response only
    return Status(201, created)


@router.patch("/users/{user_id}", response=UserOut, tags=["users"])
def update_user(request: ApiRequest, user_id: int, payload: UserPatch) -> object:
    user = selectors.user_get(request.auth, user_id)
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    services.user_update(by=request.auth, user=user, version=version, **fields)
    return selectors.user_get(request.auth, user_id)


@router.put("/users/{user_id}/memberships", response=UserOut, tags=["users"])
def set_memberships(request: ApiRequest, user_id: int, payload: list[MembershipIn]) -> object:
    user = selectors.user_get(request.auth, user_id)
    services.memberships_set(by=request.auth, user=user, specs=_specs(payload))
    return selectors.user_get(request.auth, user_id)


@router.post("/users/{user_id}/reset-password", response=PasswordOut, tags=["users"])
def reset_password(request: ApiRequest, user_id: int) -> dict[str, str]:
    user = selectors.user_get(request.auth, user_id)
    return {"temporary_password": services.password_reset(by=request.auth, user=user)}


@router.post("/users/{user_id}/unlock", response=UserOut, tags=["users"])
def unlock_user(request: ApiRequest, user_id: int) -> object:
    services.user_unlock(by=request.auth, user=selectors.user_get(request.auth, user_id))
    return selectors.user_get(request.auth, user_id)
