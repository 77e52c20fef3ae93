"""The NinjaAPI instance: routers of each concept plus the error contract."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from ims import __version__
from ims.api import problems
from ims.api.auth import AUTH
from ims.api.renderers import OrjsonRenderer
from ims.core.errors import AuthenticationFailed, ImsError

api = NinjaAPI(
    title="IMS API",
    version="1",
    description=(
        "REST API of IMS, the integrated management system for ISO 9001 and ISO 14001. "
        "Authenticate with `Authorization: Bearer <token>` (create a personal token under "
        "*My account → API tokens*) or with the browser session. Errors are RFC 9457 problem "
        "details; see `GET /api/v1/problems` for the catalogue of `type` values. "
        f"Server version {__version__}."
    ),
    urls_namespace="api",
    auth=AUTH,
    renderer=OrjsonRenderer(),
)


@api.exception_handler(ImsError)
def _ims_error(request: HttpRequest, exc: ImsError) -> HttpResponse:
    if isinstance(exc, AuthenticationFailed):
        return problems.unauthenticated(exc.detail, instance=request.path)
    return problems.problem(
        status=exc.status,
        slug=exc.slug,
        title=exc.title,
        detail=exc.detail,
        instance=request.path,
        **exc.extra,
    )


@api.exception_handler(NinjaValidationError)
def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", []) if part not in ("body", "payload", "query", "path")]
        errors.setdefault(".".join(loc) or "__all__", []).append(str(error.get("msg", "invalid")))
    detail = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items())
    return problems.problem(status=422, slug="validation", detail=detail, instance=request.path, errors=errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problems.unauthenticated(
        "Authentication required: send `Authorization: Bearer <token>` or sign in.",
        instance=request.path,
    )


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return problems.problem(status=429, slug="too-many-requests", detail=str(exc), instance=request.path)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc)
    if exc.status_code == 403 and "CSRF" in message:
        return problems.problem(
            status=403,
            slug="csrf",
            instance=request.path,
            detail="CSRF check failed: send the X-CSRFToken header with session authentication, or use a Bearer token.",
        )
    return problems.problem(status=exc.status_code, detail=message, instance=request.path)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problems.problem(status=404, slug="not-found", detail=str(exc) or "Not found.", instance=request.path)


@api.exception_handler(ObjectDoesNotExist)
def _does_not_exist(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problems.problem(status=404, slug="not-found", detail="No such record.", instance=request.path)


@api.exception_handler(OverflowError)
def _overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    # An id or number beyond what the database can store (SQLite raises this before querying).
    return problems.problem(
        status=422, slug="validation", detail="A number in the request is too large.", instance=request.path
    )


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problems.server_error(request, exc)


@api.get("/problems", auth=None, tags=["meta"], summary="Catalogue of problem types")
def problem_types(request: HttpRequest) -> list[dict[str, Any]]:
    return problems.catalogue()


def _mount() -> None:
    from ims.accounts.api import router as accounts_router
    from ims.aspects.api import router as aspects_router
    from ims.audit.api import router as audit_router
    from ims.changes.api import router as changes_router
    from ims.context.api import router as context_router
    from ims.documents.api import router as documents_router
    from ims.factors.api import router as factors_router
    from ims.feedback.api import router as feedback_router
    from ims.ghg.api import router as ghg_router
    from ims.improvement.api import router as improvement_router
    from ims.kpis.api import router as kpis_router
    from ims.monitoring.api import router as monitoring_router
    from ims.objectives.api import router as objectives_router
    from ims.obligations.api import router as obligations_router
    from ims.org.api import router as org_router
    from ims.policies.api import router as policies_router
    from ims.processes.api import router as processes_router
    from ims.readiness.api import router as readiness_router
    from ims.responsibilities.api import router as responsibilities_router
    from ims.risks.api import router as risks_router
    from ims.standards.api import router as standards_router

    api.add_router("", org_router)
    api.add_router("", accounts_router)
    api.add_router("/audit", audit_router)
    api.add_router("", standards_router)
    api.add_router("", readiness_router)
    api.add_router("", aspects_router)
    api.add_router("", context_router)
    api.add_router("", obligations_router)
    api.add_router("", risks_router)
    api.add_router("", objectives_router)
    api.add_router("", processes_router)
    api.add_router("", changes_router)
    api.add_router("", responsibilities_router)
    api.add_router("", policies_router)
    api.add_router("", factors_router)
    api.add_router("", documents_router)
    api.add_router("", monitoring_router)
    api.add_router("", kpis_router)
    api.add_router("", improvement_router)
    api.add_router("", feedback_router)
    api.add_router("", ghg_router)


_mount()
