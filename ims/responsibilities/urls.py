from django.urls import path

from ims.responsibilities import views

app_name = "responsibilities"
urlpatterns = [
    path("", views.responsibility_list, name="list"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("new", views.responsibility_create, name="create"),
    path("<int:pk>/", views.responsibility_detail, name="detail"),
    path("<int:pk>/edit", views.responsibility_edit, name="edit"),
    path("<int:pk>/archive", views.responsibility_archive, name="archive"),
]
