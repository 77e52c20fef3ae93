from django.urls import path

from ims.processes import views

app_name = "processes"
urlpatterns = [
    path("", views.process_list, name="list"),
    path("map/", views.process_map, name="map"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("new", views.process_create, name="create"),
    path("<int:pk>/", views.process_detail, name="detail"),
    path("<int:pk>/edit", views.process_edit, name="edit"),
    path("<int:pk>/archive", views.process_archive, name="archive"),
    path("<int:pk>/links/new", views.link_create, name="link_create"),
    path("<int:pk>/links/<int:link_id>/delete", views.link_delete, name="link_delete"),
]
