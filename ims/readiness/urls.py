from django.urls import path

from ims.readiness import views

app_name = "readiness"
urlpatterns = [path("", views.readiness, name="readiness")]
