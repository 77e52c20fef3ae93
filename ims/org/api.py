"""API for the organisation, its sites and scope statements."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Router, Schema, Status

from ims.api.auth import ApiRequest
from ims.api.pagination import DEFAULT_LIMIT, Page, paginate
from ims.core.errors import NotFound, ValidationFailed
from ims.org import selectors, services
from ims.org.models import ScopeStatement, Standard

router = Router(tags=["organisation"])


class SiteOut(Schema):
    id: int
    code: str
    name: str
    country: str
    time_zone: str
    address: str
    archived_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_country(obj: object) -> str:
        return str(getattr(obj, "country", ""))


class SiteIn(Schema):
    code: str = Field(max_length=20)
    name: str = Field(max_length=200)
    country: str = Field(description="ISO 3166-1 alpha-2 code, e.g. DE")
    time_zone: str = Field(description="IANA time zone, e.g. Europe/Berlin")
    address: str = ""


class SitePatch(Schema):
    version: int = Field(description="The version you read; a stale one gets 409 conflict")
    code: str | None = None
    name: str | None = None
    country: str | None = None
    time_zone: str | None = None
    address: str | None = None


class VersionIn(Schema):
    version: int


@router.get("/sites", response=Page[SiteOut], summary="List the sites you may see")
def list_sites(
    request: ApiRequest,
    q: str = "",
    archived: bool | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> dict[str, object]:
    return paginate(request, selectors.site_list(request.auth, q=q, archived=archived), limit=limit, offset=offset)


@router.get("/sites/{site_id}", response=SiteOut)
def get_site(request: ApiRequest, site_id: int) -> object:
    return selectors.site_get(request.auth, site_id)


@router.post("/sites", response={201: SiteOut})
def create_site(request: ApiRequest, payload: SiteIn) -> Status[object]:
    return Status(201, services.site_create(by=request.auth, **payload.dict()))


@router.patch("/sites/{site_id}", response=SiteOut)
def update_site(request: ApiRequest, site_id: int, payload: SitePatch) -> object:
    site = selectors.site_get(request.auth, site_id)
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    return services.site_update(by=request.auth, site=site, version=version, **fields)


@router.post("/sites/{site_id}/archive", response=SiteOut)
def archive_site(request: ApiRequest, site_id: int, payload: VersionIn) -> object:
    site = selectors.site_get(request.auth, site_id)
    return services.site_archive(by=request.auth, site=site, version=payload.version)


@router.post("/sites/{site_id}/restore", response=SiteOut)
def restore_site(request: ApiRequest, site_id: int, payload: VersionIn) -> object:
    site = selectors.site_get(request.auth, site_id)
    return services.site_restore(by=request.auth, site=site, version=payload.version)


@router.delete("/sites/{site_id}", response={204: None})
def delete_site(request: ApiRequest, site_id: int) -> Status[None]:
    services.site_delete(by=request.auth, site=selectors.site_get(request.auth, site_id))
    return Status(204, None)


class OrganisationOut(Schema):
    name: str
    legal_name: str
    description: str
    version: int
    updated_at: datetime


class OrganisationPatch(Schema):
    version: int
    name: str | None = None
    legal_name: str | None = None
    description: str | None = None


@router.get("/organisation", response=OrganisationOut)
def get_organisation(request: ApiRequest) -> object:
    org = selectors.organisation()
    if org is None:
        raise NotFound("The organisation has not been set up yet.")
    return org


@router.patch("/organisation", response=OrganisationOut)
def update_organisation(request: ApiRequest, payload: OrganisationPatch) -> object:
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    return services.organisation_save(by=request.auth, version=version, **fields)


class ScopeOut(Schema):
    standard: str
    standard_name: str
    in_scope: bool
    statement: str
    boundaries: str
    site_ids: list[int]
    edition: str | None
    version: int
    updated_at: datetime

    @staticmethod
    def resolve_edition(obj: ScopeStatement) -> str | None:
        return f"{obj.edition.standard.code}:{obj.edition.code}" if obj.edition else None

    @staticmethod
    def resolve_standard_name(obj: ScopeStatement) -> str:
        return str(obj.get_standard_display())

    @staticmethod
    def resolve_site_ids(obj: ScopeStatement) -> list[int]:
        return [s.pk for s in obj.sites.all()]


class ScopeIn(Schema):
    version: int | None = Field(None, description="Required when the statement already exists")
    in_scope: bool = True
    statement: str
    boundaries: str = ""
    site_ids: list[int] | None = None
    edition: str | None = Field(None, description="The edition applied, e.g. iso14001:2015")


@router.get("/scope", response=list[ScopeOut], summary="Scope statements per standard (4.3)")
def list_scope(request: ApiRequest) -> object:
    return list(selectors.scope_statements())


@router.put("/scope/{standard}", response=ScopeOut)
def put_scope(request: ApiRequest, standard: str, payload: ScopeIn) -> object:
    if standard not in Standard.values:
        raise ValidationFailed(
            {"standard": [f"Unknown standard “{standard}”; use one of {', '.join(Standard.values)}."]}
        )
    fields = payload.dict()
    return services.scope_save(by=request.auth, standard=standard, **fields)
