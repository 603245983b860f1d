"""办件统计 under /console/dashboards/ (read-only)."""

from django.urls import path

from gongzhi.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.indicators, name="indicators"),
    path("cases/", views.indicator_cases, name="cases"),
]
