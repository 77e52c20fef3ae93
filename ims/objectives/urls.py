from django.urls import path

from ims.objectives import views

app_name = "objectives"
urlpatterns = [
    path("", views.objective_list, name="list"),
    path("export.csv", views.objective_export_csv, name="export_csv"),
    path("export.xlsx", views.objective_export_xlsx, name="export_xlsx"),
    path("new", views.objective_create, name="create"),
    path("<int:pk>/", views.objective_detail, name="detail"),
    path("<int:pk>/edit", views.objective_edit, name="edit"),
    path("<int:pk>/archive", views.objective_archive, name="archive"),
    path("<int:pk>/progress", views.progress_add, name="progress_add"),
]
