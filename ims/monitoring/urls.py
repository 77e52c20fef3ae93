from django.urls import path

from ims.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.series_list, name="series_list"),
    path("export", views.series_list_export, name="series_list_export"),
    path("series/new", views.series_create, name="series_create"),
    path("series/<int:pk>/", views.series_detail, name="series_detail"),
    path("series/<int:pk>/export", views.series_export, name="series_export"),
    path("series/<int:pk>/edit", views.series_edit, name="series_edit"),
    path("series/<int:pk>/archive", views.series_archive, name="series_archive"),
    path("series/<int:pk>/restore", views.series_restore, name="series_restore"),
    path("series/<int:pk>/readings/new", views.reading_create, name="reading_create"),
    path("import", views.reading_import, name="import"),
    path("mappings/", views.mapping_list, name="mapping_list"),
    path("mappings/new", views.mapping_create, name="mapping_create"),
    path("mappings/<slug:name>/edit", views.mapping_edit, name="mapping_edit"),
]
