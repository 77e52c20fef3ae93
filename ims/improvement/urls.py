from django.urls import path

from ims.improvement import cost_views, step_views, views

app_name = "improvement"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("report", views.report, name="report"),
    path("triage", views.triage_list, name="triage"),
    path("causes", views.causes, name="causes"),
    path("analysis", cost_views.analysis_page, name="analysis"),
    path("analysis.xlsx", cost_views.analysis_xlsx, name="analysis_xlsx"),
    path("analysis.pdf", cost_views.analysis_pdf, name="analysis_pdf"),
    path("impact-factors", cost_views.impact_factors, name="impact_factors"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/edit", views.event_edit, name="edit"),
    path("<int:pk>/photo", views.photo, name="photo"),
    path("<int:pk>/triage", step_views.triage, name="triage_event"),
    path("<int:pk>/transition", step_views.transition, name="transition"),
    path("<int:pk>/step", step_views.step, name="step"),
    path("<int:pk>/containment", step_views.containment, name="containment"),
    path("<int:pk>/whys", step_views.whys, name="whys"),
    path("<int:pk>/fishbone", step_views.fishbone, name="fishbone"),
    path("<int:pk>/root-cause", step_views.root_cause, name="root_cause"),
    path("<int:pk>/actions", step_views.action_add, name="action_add"),
    path("<int:pk>/close", step_views.close, name="close"),
    path("<int:pk>/costs", cost_views.cost_add, name="cost_add"),
    path("<int:pk>/wasted-material", cost_views.material_add, name="material_add"),
    path("<int:pk>/extra-energy", cost_views.energy_add, name="energy_add"),
    path("<int:pk>/costs/<str:kind>/<int:line_id>/remove", cost_views.line_remove, name="line_remove"),
    path("actions/<int:pk>/complete", step_views.action_complete, name="action_complete"),
    path("actions/<int:pk>/cancel", step_views.action_cancel, name="action_cancel"),
    path("actions/<int:pk>/check", step_views.action_check, name="action_check"),
    path("actions/<int:pk>/link", step_views.action_link, name="action_link"),
]
