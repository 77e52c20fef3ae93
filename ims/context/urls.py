from django.urls import path

from ims.context import views

app_name = "context"
urlpatterns = [
    path("issues/", views.issue_list, name="issue_list"),
    path("issues/export.csv", views.issue_export_csv, name="issue_export_csv"),
    path("issues/export.xlsx", views.issue_export_xlsx, name="issue_export_xlsx"),
    path("issues/new", views.issue_create, name="issue_create"),
    path("issues/<int:pk>/", views.issue_detail, name="issue_detail"),
    path("issues/<int:pk>/edit", views.issue_edit, name="issue_edit"),
    path("issues/<int:pk>/archive", views.issue_archive, name="issue_archive"),
    path("parties/", views.party_list, name="party_list"),
    path("parties/export.csv", views.party_export_csv, name="party_export_csv"),
    path("parties/export.xlsx", views.party_export_xlsx, name="party_export_xlsx"),
    path("parties/new", views.party_create, name="party_create"),
    path("parties/<int:pk>/", views.party_detail, name="party_detail"),
    path("parties/<int:pk>/edit", views.party_edit, name="party_edit"),
    path("parties/<int:pk>/archive", views.party_archive, name="party_archive"),
]
