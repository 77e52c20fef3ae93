"""Pages of document control: the register and revisions (views) and the master list (master_views)."""

from ims.documents import master_views, views

app_name = "documents"
urlpatterns = [*views.urlpatterns, *master_views.urlpatterns]
