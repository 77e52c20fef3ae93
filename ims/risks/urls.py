from django.urls import path

from ims.risks import views

app_name = "risks"
urlpatterns = [
    path("", views.risk_list, name="list"),
    path("export.csv", views.risk_export_csv, name="export_csv"),
    path("export.xlsx", views.risk_export_xlsx, name="export_xlsx"),
    path("new", views.risk_create, name="create"),
    path("<int:pk>/", views.risk_detail, name="detail"),
    path("<int:pk>/edit", views.risk_edit, name="edit"),
    path("<int:pk>/archive", views.risk_archive, name="archive"),
    path("<int:pk>/treatments", views.treatment_add, name="treatment_add"),
    path("<int:pk>/treatments/<int:treatment_pk>/done", views.treatment_done, name="treatment_done"),
]
