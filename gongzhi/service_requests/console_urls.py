"""Open311 key pages under /console/open311/."""

from django.urls import path

from gongzhi.service_requests import console_views

app_name = "open311_keys"
urlpatterns = [
    path("keys/", console_views.key_list, name="list"),
    path("keys/<int:pk>/revoke/", console_views.key_revoke, name="revoke"),
]
