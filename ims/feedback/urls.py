from django.urls import path

from ims.feedback import views

app_name = "feedback"
urlpatterns = [
    path("", views.home, name="home"),
    path("customers/", views.customer_list, name="customers"),
    path("customers/new", views.customer_new, name="customer_new"),
    path("customers/<int:pk>/", views.customer_detail, name="customer"),
    path("customers/<int:pk>/edit", views.customer_edit, name="customer_edit"),
    path("complaints/", views.complaint_list, name="complaints"),
    path("complaints/new", views.complaint_new, name="complaint_new"),
    path("complaints/import", views.complaint_import, name="complaint_import"),
    path("complaints/export.csv", views.complaint_export_csv, name="complaint_export_csv"),
    path("complaints/export.xlsx", views.complaint_export_xlsx, name="complaint_export_xlsx"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint"),
    path("complaints/<int:pk>/edit", views.complaint_edit, name="complaint_edit"),
    path("complaints/<int:pk>/respond", views.complaint_respond, name="complaint_respond"),
    path("complaints/<int:pk>/transition", views.complaint_transition, name="complaint_transition"),
    path("surveys/", views.survey_list, name="surveys"),
    path("surveys/new", views.survey_new, name="survey_new"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey"),
    path("surveys/<int:pk>/responses/new", views.response_new, name="response_new"),
    path("surveys/<int:pk>/responses/import", views.response_import, name="response_import"),
    path("compliments/", views.compliments, name="compliments"),
    path("shipments/", views.shipments, name="shipments"),
]
