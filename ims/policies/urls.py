from django.urls import path

from ims.policies import views

app_name = "policies"
urlpatterns = [
    path("", views.policy_list, name="list"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("new", views.policy_create, name="create"),
    path("<int:pk>/", views.policy_detail, name="detail"),
    path("<int:pk>/edit", views.policy_edit, name="edit"),
    path("<int:pk>/archive", views.policy_archive, name="archive"),
    path("<int:pk>/new-revision", views.draft_start, name="draft_start"),
    path("revisions/<int:pk>/", views.revision_detail, name="revision"),
    path("revisions/<int:pk>/edit", views.revision_edit, name="revision_edit"),
    path("revisions/<int:pk>/sign", views.revision_sign, name="revision_sign"),
    path("revisions/<int:pk>/withdraw", views.revision_withdraw, name="revision_withdraw"),
    path("revisions/<int:pk>/communications", views.communication_add, name="communication_add"),
]
