from django.urls import path

from ims.obligations import views

app_name = "obligations"
urlpatterns = [
    path("", views.obligation_list, name="list"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("new", views.obligation_create, name="create"),
    path("<int:pk>/", views.obligation_detail, name="detail"),
    path("<int:pk>/edit", views.obligation_edit, name="edit"),
    path("<int:pk>/evaluate", views.obligation_evaluate, name="evaluate"),
    path("<int:pk>/permits/new", views.permit_add, name="permit_add"),
    path("<int:pk>/archive", views.obligation_archive, name="archive"),
]
