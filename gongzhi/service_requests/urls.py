"""Open311 GeoReport v2 under /open311/v2/: every endpoint as ``<name>.json`` and ``<name>.xml``."""

from django.urls import re_path

from gongzhi.service_requests import views

app_name = "open311"

FMT = r"\.(?P<fmt>[a-z]+)$"
urlpatterns = [
    re_path(rf"^discovery{FMT}", views.discovery, name="discovery"),
    re_path(rf"^services{FMT}", views.services, name="services"),
    re_path(rf"^services/(?P<service_code>[-\w]+){FMT}", views.service_definition, name="service"),
    re_path(rf"^requests{FMT}", views.request_list, name="requests"),
    re_path(
        rf"^requests/(?P<service_request_id>[-\w]+){FMT}", views.request_detail, name="request"
    ),
    re_path(rf"^tokens/(?P<token>[-\w]+){FMT}", views.token, name="token"),
]
