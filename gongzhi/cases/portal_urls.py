"""The case pages of the resident portal, mounted inside the ``portal`` namespace by
``gongzhi/portal/urls.py`` (so ``portal:services`` and ``portal:my_cases`` are these)."""

from django.urls import path

from gongzhi.cases import portal_views as views

urlpatterns = [
    path("services/", views.catalogue, name="services"),
    path("services/<slug:code>/apply/", views.apply, name="apply"),
    path("cases/", views.my_cases, name="my_cases"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/submitted/", views.submitted, name="case_submitted"),
    path("cases/<int:pk>/rate/", views.rate, name="case_rate"),
    path("cases/<int:pk>/reopen/", views.reopen, name="case_reopen"),
    path("messages/", views.notifications, name="notifications"),
    path("messages/read/", views.notifications_read, name="notifications_read"),
]
