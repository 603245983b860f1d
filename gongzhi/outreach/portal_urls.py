"""Outreach pages of the resident portal, mounted inside the ``portal`` namespace by
``gongzhi/portal/urls.py`` (``portal:mobile_service``, ``portal:supply_demand``…)."""

from django.urls import path

from gongzhi.outreach import portal_views as views

urlpatterns = [
    path("mobile-service/", views.mobile_service, name="mobile_service"),
    path("supply-demand/", views.supply_demand, name="supply_demand"),
    path("supply-demand/needs/new/", views.need_new, name="need_new"),
    path("supply-demand/needs/<int:pk>/close/", views.need_close, name="need_close"),
    path("supply-demand/offers/new/", views.offer_new, name="offer_new"),
    path("supply-demand/offers/<int:pk>/withdraw/", views.offer_withdraw, name="offer_withdraw"),
]
