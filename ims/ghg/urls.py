from django.urls import path

from ims.ghg import views

app_name = "ghg"
urlpatterns = [
    path("", views.inventory_page, name="inventory"),
    path("inventory.csv", views.inventory_csv, name="inventory_csv"),
    path("calculation", views.calculation_page, name="calculation"),
    path("dashboard", views.dashboard, name="dashboard"),
    path("dashboard.pdf", views.dashboard_pdf, name="dashboard_pdf"),
    path("dashboard/<str:table>.csv", views.dashboard_csv, name="dashboard_csv"),
    path("sources/", views.source_list, name="source_list"),
    path("sources/new", views.source_create, name="source_create"),
    path("sources/<int:pk>/edit", views.source_edit, name="source_edit"),
    path("sources/<int:pk>/remove", views.source_remove, name="source_remove"),
    path("instruments/", views.instrument_list, name="instrument_list"),
    path("instruments/new", views.instrument_create, name="instrument_create"),
    path("instruments/<int:pk>/edit", views.instrument_edit, name="instrument_edit"),
    path("instruments/<int:pk>/remove", views.instrument_remove, name="instrument_remove"),
]
