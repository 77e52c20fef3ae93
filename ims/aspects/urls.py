from django.urls import path

from ims.aspects import views

app_name = "aspects"
urlpatterns = [
    path("", views.aspect_list, name="list"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("new", views.aspect_create, name="create"),
    path("<int:pk>/", views.aspect_detail, name="detail"),
    path("<int:pk>/edit", views.aspect_edit, name="edit"),
    path("<int:pk>/evaluate", views.aspect_evaluate, name="evaluate"),
    path("<int:pk>/archive", views.aspect_archive, name="archive"),
]
