from django.urls import path

from ims.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("site/switch", views.switch_site, name="switch_site"),
]
