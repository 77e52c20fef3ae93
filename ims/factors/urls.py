from django.urls import path

from ims.factors import views

app_name = "factors"
urlpatterns = [
    path("", views.factor_list, name="list"),
    path("sources", views.source_list, name="sources"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("import", views.factor_import, name="import"),
    path("new", views.factor_create, name="create"),
    path("<int:pk>/", views.factor_detail, name="detail"),
    path("<int:pk>/edit", views.factor_edit, name="edit"),
    path("<int:pk>/archive", views.factor_archive, name="archive"),
]
