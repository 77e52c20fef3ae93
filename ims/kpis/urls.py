from django.urls import path

from ims.kpis import chart_views, views

app_name = "kpis"
urlpatterns = [
    path("", views.kpi_list, name="list"),
    path("dashboard", views.dashboard, name="dashboard"),
    path("dashboard.pdf", views.dashboard_pdf, name="dashboard_pdf"),
    path("dashboard/kpis.csv", views.dashboard_csv, name="dashboard_csv"),
    path("aspects/", views.aspect_monitoring, name="aspect_monitoring"),
    path("aspects/links/<int:pk>/remove", views.aspect_unmonitor, name="aspect_unmonitor"),
    path("new", views.kpi_from_template, name="create_from_template"),
    path("<int:pk>/", views.kpi_detail, name="detail"),
    path("<int:pk>/edit", views.kpi_edit, name="edit"),
    path("<int:pk>/values.csv", views.kpi_csv, name="csv"),
    path("<int:pk>/links", views.kpi_links, name="links"),
    path("charts/new", chart_views.chart_create, name="chart_create"),
    path("charts/<int:pk>/", chart_views.chart_detail, name="chart_detail"),
    path("charts/<int:pk>/edit", chart_views.chart_edit, name="chart_edit"),
    path("charts/<int:pk>/data.csv", chart_views.chart_csv, name="chart_csv"),
    path("charts/<int:pk>/archive", chart_views.chart_archive, name="chart_archive"),
    path("signals/<int:pk>/", views.signal_detail, name="signal_detail"),
    path("signals/<int:pk>/event", views.signal_event, name="signal_event"),
    path("baselines/new", views.baseline_create, name="baseline_create"),
    path("baselines/<int:pk>/", views.baseline_detail, name="baseline_detail"),
    path("equipment/", views.equipment_list, name="equipment_list"),
    path("equipment/new", views.equipment_create, name="equipment_create"),
    path("equipment/<int:pk>/", views.equipment_detail, name="equipment_detail"),
    path("equipment/<int:pk>/edit", views.equipment_edit, name="equipment_edit"),
    path("equipment/<int:pk>/calibration", views.equipment_calibrate, name="equipment_calibrate"),
    path("equipment/<int:pk>/archive", views.equipment_archive, name="equipment_archive"),
]
