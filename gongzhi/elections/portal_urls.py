"""Election pages of the resident portal, mounted inside the ``portal`` namespace by
``gongzhi/portal/urls.py`` (``portal:elections``)."""

from django.urls import path

from gongzhi.elections import portal_views as views

urlpatterns = [
    path("elections/", views.my_elections, name="elections"),
    path("elections/<int:pk>/proxy/", views.file_proxy, name="election_proxy"),
]
