from django.urls import path

from ims.standards import views

app_name = "standards"
urlpatterns = [
    path("", views.library, name="library"),
    path("matrix/", views.matrix, name="matrix"),
    path("changes/<str:old>/<str:new>/", views.changes, name="changes"),
    path("<slug:standard>/<str:year>/", views.edition_detail, name="edition"),
]
