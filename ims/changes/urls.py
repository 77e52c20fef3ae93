from django.urls import path

from ims.changes import views

app_name = "changes"
urlpatterns = [
    path("", views.change_list, name="list"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("new", views.change_create, name="create"),
    path("<int:pk>/", views.change_detail, name="detail"),
    path("<int:pk>/edit", views.change_edit, name="edit"),
    path("<int:pk>/transition", views.change_transition, name="transition"),
    path("<int:pk>/archive", views.change_archive, name="archive"),
]
