"""Public election pages, mounted at /xuanju/ by ``config/urls.py``."""

from django.urls import path

from gongzhi.elections import public_views as views

app_name = "xuanju"
urlpatterns = [
    path("<int:pk>/", views.election, name="election"),
    path("<int:pk>/voters/", views.voter_list, name="voters"),
    path("<int:pk>/voters.pdf", views.voter_list_pdf, name="voters_pdf"),
    path("<int:pk>/proxies/", views.proxy_list, name="proxies"),
]
