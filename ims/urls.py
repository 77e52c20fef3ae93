from django.urls import include, path

from ims.api.api import api
from ims.ops import health

handler400 = "ims.web.errors.bad_request"
handler403 = "ims.web.errors.permission_denied"
handler404 = "ims.web.errors.page_not_found"
handler500 = "ims.web.errors.server_error"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/v1/", api.urls),
    path("accounts/", include("ims.accounts.urls")),
    path("organisation/", include("ims.org.urls")),
    path("audit/", include("ims.audit.urls")),
    path("standards/", include("ims.standards.urls")),
    path("readiness/", include("ims.readiness.urls")),
    path("aspects/", include("ims.aspects.urls")),
    path("context/", include("ims.context.urls")),
    path("obligations/", include("ims.obligations.urls")),
    path("risks/", include("ims.risks.urls")),
    path("objectives/", include("ims.objectives.urls")),
    path("processes/", include("ims.processes.urls")),
    path("changes/", include("ims.changes.urls")),
    path("responsibilities/", include("ims.responsibilities.urls")),
    path("policies/", include("ims.policies.urls")),
    path("factors/", include("ims.factors.urls")),
    path("documents/", include("ims.documents.urls")),
    path("monitoring/", include("ims.monitoring.urls")),
    path("kpis/", include("ims.kpis.urls")),
    path("improvement/", include("ims.improvement.urls")),
    path("feedback/", include("ims.feedback.urls")),
    path("ghg/", include("ims.ghg.urls")),
    path("", include("ims.web.urls")),
]
