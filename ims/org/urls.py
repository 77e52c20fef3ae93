from django.urls import path

from ims.org import views

app_name = "org"
urlpatterns = [
    path("", views.organisation, name="organisation"),
    path("sites/", views.site_list, name="site_list"),
    path("sites/new", views.site_create, name="site_create"),
    path("sites/<int:pk>/", views.site_detail, name="site_detail"),
    path("sites/<int:pk>/edit", views.site_edit, name="site_edit"),
    path("sites/<int:pk>/<str:action>", views.site_action, name="site_action"),
]
