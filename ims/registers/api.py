"""The API routes every register shares: list, detail, create, update, archive and CSV/XLSX import.

A register describes what differs (path, schemas, list filters, selectors, services, how a
payload's ids become records and how a record is presented) in one ``RegisterApi``;
``add_register_routes`` adds the standard routes for it to the register's router. The routes
behave the same for every register: lists are paginated, an update and an archive carry the
``version`` read (a stale one answers 409), and an import is all or nothing. Routes that only
one register has (workflow transitions, treatments, revisions, links) stay in that register's
own module.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import BaseModel

from ims.api.auth import ApiRequest
from ims.api.imports import ImportOut
from ims.api.pagination import DEFAULT_LIMIT, Page, paginate
from ims.core.errors import ValidationFailed
from ims.org.selectors import site_get

Fields = dict[str, Any]
Prepare = Callable[[ApiRequest, Fields], None]
QueryParam = tuple[str, Any, Any]  # name, type, default

STANDARD_ROUTES = ("list", "import", "detail", "create", "update", "archive")


class VersionIn(Schema):
    version: int


def list_params(*filters: QueryParam, org_wide: bool = True) -> tuple[QueryParam, ...]:
    """The query parameters of a register list: search, site, the register's own filters, archived, sort."""
    scope: tuple[QueryParam, ...] = (("q", str, ""), ("site_id", int | None, None))
    if org_wide:
        scope += (("org_wide", bool, False),)
    return (*scope, *filters, ("archived", bool, False), ("sort", str, "reference"))


def site(request: ApiRequest, fields: Fields) -> None:
    """``site_id`` of a new record becomes the site, which the user must be able to see (none: organisation-wide)."""
    if "site_id" in fields:
        site_id = fields.pop("site_id")
        fields["site"] = site_get(request.auth, site_id) if site_id is not None else None


def active_user(id_field: str, field: str) -> Prepare:
    """A user id (e.g. ``owner_id``) becomes the active user it names; an unknown one is a validation error."""

    def prepare(request: ApiRequest, fields: Fields) -> None:
        if id_field in fields:
            pk = fields.pop(id_field)
            user = None
            if pk is not None:
                user = get_user_model().objects.filter(pk=pk, is_active=True).first()
                if user is None:
                    raise ValidationFailed({id_field: [f"No active user with id {pk}."]})
            fields[field] = user

    return prepare


def rename(id_field: str, field: str) -> Prepare:
    """A list of ids (e.g. ``process_ids``) is handed to the service under the relation's name."""

    def prepare(request: ApiRequest, fields: Fields) -> None:
        if id_field in fields:
            fields[field] = fields.pop(id_field)

    return prepare


@dataclass(frozen=True)
class RegisterApi:
    """What the standard API routes of one register need to know."""

    module: str  # the module the routes belong to: it names their operation ids
    path: str  # e.g. "/changes"
    singular: str  # e.g. "change": get_change, create_change, ..., and the path parameter change_id
    plural: str  # e.g. "changes": list_changes
    out: type[BaseModel]
    create_in: type[Schema]
    patch_in: type[Schema]
    filters: tuple[QueryParam, ...]  # the list's query parameters, passed on to ``list_records``
    list_records: Callable[..., QuerySet[Any]]  # selector: (user, **filters) -> records the user may see
    get_record: Callable[[Any, int], Any]  # selector: (user, pk) -> record, NotFound when not visible
    create: Callable[..., Any]  # service: (by=, **fields)
    update: Callable[..., Any]  # service: (by=, <record_arg>=, version=, **fields)
    archive: Callable[..., Any]  # service: (by=, <record_arg>=, version=)
    record_arg: str  # the services' keyword for the record
    update_record_arg: str = ""  # when the update service names it differently
    prepare: Sequence[Prepare] = ()  # payload ids to records, in order, for create and update
    prepare_create: Sequence[Prepare] = ()  # further steps for create only
    present: Callable[[Any], Any] | None = None  # a record as the ``out`` schema (default: read from attributes)
    present_page: Callable[[list[Any]], list[Any]] | None = None  # a page of records (default: ``present`` each)
    prefetch: tuple[str, ...] = ()  # relations the list reads for every row
    import_records: Callable[..., Any] | None = None  # importer: (by=, stream=) -> ImportReport
    import_name: str = "import_file"
    import_summary: str = ""
    create_summary: str | None = None

    @property
    def id_param(self) -> str:
        return f"{self.singular}_id"

    def shown(self, record: Any) -> Any:
        return record if self.present is None else self.present(record)

    def shown_page(self, records: list[Any]) -> list[Any]:
        if self.present_page is not None:
            return self.present_page(records)
        return records if self.present is None else [self.present(r) for r in records]

    def prepared(self, request: ApiRequest, fields: Fields, *, creating: bool) -> Fields:
        for step in (*self.prepare, *self.prepare_create) if creating else self.prepare:
            step(request, fields)
        return fields


def _route(spec: RegisterApi, name: str, view: Callable[..., Any], params: list[tuple[str, Any, Any]]) -> Any:
    """``view`` with the name and signature Ninja reads: the operation id, summary and parameters."""
    parameters = [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=ApiRequest)]
    parameters += [
        inspect.Parameter(p, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=t, default=d) for p, t, d in params
    ]
    view.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    view.__name__ = view.__qualname__ = name
    view.__module__ = spec.module
    view.__doc__ = None
    return view


def add_register_routes(router: Router, spec: RegisterApi, routes: Sequence[str] = STANDARD_ROUTES) -> None:
    """Add the register's standard routes to ``router``, in the order given.

    Ninja matches routes in order, so the import route comes before the ``/{id}`` routes; a
    register with routes of its own adds the standard ones in parts around them.
    """
    for route in routes:
        _ADDERS[route](router, spec)


def _add_list(router: Router, spec: RegisterApi) -> None:
    def view(request: ApiRequest, **query: Any) -> Any:
        limit, offset = query.pop("limit"), query.pop("offset")
        qs = spec.list_records(request.auth, **query)
        if spec.prefetch:
            qs = qs.prefetch_related(*spec.prefetch)
        page = paginate(request, qs, limit=limit, offset=offset)
        page["items"] = spec.shown_page(page["items"])
        return page

    params = [*spec.filters, ("limit", int, DEFAULT_LIMIT), ("offset", int, 0)]
    router.get(spec.path, response=Page[spec.out])(_route(spec, f"list_{spec.plural}", view, params))  # type: ignore[name-defined]


def _add_import(router: Router, spec: RegisterApi) -> None:
    importer = spec.import_records
    if importer is None:
        return

    def view(request: ApiRequest, file: UploadedFile) -> Any:
        return ImportOut.of(importer(by=request.auth, stream=file.open("rb")))

    router.post(f"{spec.path}/import", response=ImportOut, summary=spec.import_summary)(
        _route(spec, spec.import_name, view, [("file", File[UploadedFile], inspect.Parameter.empty)])
    )


def _add_detail(router: Router, spec: RegisterApi) -> None:
    def view(request: ApiRequest, **path: Any) -> Any:
        return spec.shown(spec.get_record(request.auth, path[spec.id_param]))

    params = [(spec.id_param, int, inspect.Parameter.empty)]
    router.get(f"{spec.path}/{{{spec.id_param}}}", response=spec.out)(
        _route(spec, f"get_{spec.singular}", view, params)
    )


def _add_create(router: Router, spec: RegisterApi) -> None:
    def view(request: ApiRequest, payload: Schema) -> Status[Any]:
        fields = spec.prepared(request, payload.dict(), creating=True)
        return Status(201, spec.shown(spec.create(by=request.auth, **fields)))

    router.post(spec.path, response={201: spec.out}, summary=spec.create_summary)(
        _route(spec, f"create_{spec.singular}", view, [("payload", spec.create_in, inspect.Parameter.empty)])
    )


def _add_update(router: Router, spec: RegisterApi) -> None:
    def view(request: ApiRequest, payload: Schema, **path: Any) -> Any:
        fields = payload.dict(exclude_unset=True)
        version = fields.pop("version")
        fields = spec.prepared(request, fields, creating=False)
        record = spec.get_record(request.auth, path[spec.id_param])
        arg = spec.update_record_arg or spec.record_arg
        return spec.shown(spec.update(by=request.auth, version=version, **{arg: record}, **fields))

    params = [(spec.id_param, int, inspect.Parameter.empty), ("payload", spec.patch_in, inspect.Parameter.empty)]
    router.patch(f"{spec.path}/{{{spec.id_param}}}", response=spec.out)(
        _route(spec, f"update_{spec.singular}", view, params)
    )


def _add_archive(router: Router, spec: RegisterApi) -> None:
    def view(request: ApiRequest, payload: VersionIn, **path: Any) -> Any:
        record = spec.get_record(request.auth, path[spec.id_param])
        return spec.shown(spec.archive(by=request.auth, version=payload.version, **{spec.record_arg: record}))

    params = [(spec.id_param, int, inspect.Parameter.empty), ("payload", VersionIn, inspect.Parameter.empty)]
    router.post(f"{spec.path}/{{{spec.id_param}}}/archive", response=spec.out)(
        _route(spec, f"archive_{spec.singular}", view, params)
    )


_ADDERS: dict[str, Callable[[Router, RegisterApi], None]] = {
    "list": _add_list,
    "import": _add_import,
    "detail": _add_detail,
    "create": _add_create,
    "update": _add_update,
    "archive": _add_archive,
}
