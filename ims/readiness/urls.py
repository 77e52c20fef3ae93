from django.urls import path

from ims.readiness import views, web

app_name = "readiness"
urlpatterns = [
    path("", views.readiness, name="readiness"),
    path("report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("report.pdf", views.report_pdf, name="report_pdf"),
    path("transition/<str:old>/<str:new>/", web.transition, name="transition"),
    path("<slug:standard>/<str:year>/", web.edition_requirements, name="edition"),
    path("<slug:standard>/<str:year>/<str:number>/", web.requirement, name="requirement"),
    path("<slug:standard>/<str:year>/<str:number>/applicability", web.applicability, name="applicability"),
    path("<slug:standard>/<str:year>/<str:number>/evidence", web.add_evidence, name="evidence"),
]
