"""Bench-only URLconf: the project's URLs plus a bare JSON view, the ceiling that case
creation is measured against (the same server, middleware and database connection
settings, no work in the view). Used only by ``bench_cases.py`` through
``_server_settings``; never by the project."""

from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import handler403  # noqa: F401  (the project's 403 view stays in place)
from config.urls import urlpatterns as project_urlpatterns


@csrf_exempt
def bare(request: HttpRequest) -> JsonResponse:
    body = [{"service_request_id": "0", "service_notice": "", "account_id": None}]
    return JsonResponse(body, safe=False)


urlpatterns = [path("bench/bare.json", bare), *project_urlpatterns]
