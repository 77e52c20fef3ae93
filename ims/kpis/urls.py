from django.urls import path

from ims.kpis import views

app_name = "kpis"
urlpatterns = [
    path("", views.kpi_list, name="list"),
    path("dashboard", views.dashboard, name="dashboard"),
    path("new", views.kpi_from_template, name="create_from_template"),
    path("<int:pk>/", views.kpi_detail, name="detail"),
    path("charts/<int:pk>/", views.chart_detail, name="chart_detail"),
    path("signals/<int:pk>/", views.signal_detail, name="signal_detail"),
    path("signals/<int:pk>/event", views.signal_event, name="signal_event"),
    path("baselines/<int:pk>/", views.baseline_detail, name="baseline_detail"),
    path("equipment/", views.equipment_list, name="equipment_list"),
    path("equipment/<int:pk>/", views.equipment_detail, name="equipment_detail"),
]
