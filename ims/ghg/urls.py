from django.urls import path

from ims.ghg import views

app_name = "ghg"
urlpatterns = [
    path("", views.inventory_page, name="inventory"),
    path("inventory.csv", views.inventory_csv, name="inventory_csv"),
    path("calculation", views.calculation_page, name="calculation"),
    path("dashboard", views.dashboard, name="dashboard"),
    path("dashboard/<str:table>.csv", views.dashboard_csv, name="dashboard_csv"),
]
