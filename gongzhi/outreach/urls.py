"""Outreach in the staff console under /console/outreach/ (流动服务, 供需对接)."""

from django.urls import path

from gongzhi.outreach import views

app_name = "outreach"
urlpatterns = [
    # 流动服务 (R3.2a).
    path("", views.index, name="index"),
    path("routes/new/", views.route_create, name="route_create"),
    path("routes/<int:pk>/", views.route_detail, name="route"),
    path("routes/<int:pk>/edit/", views.route_edit, name="route_edit"),
    path("routes/<int:pk>/stops/new/", views.stop_create, name="stop_create"),
    path("stops/<int:pk>/", views.stop_edit, name="stop_edit"),
    path("stops/<int:pk>/visits/new/", views.visit_create, name="visit_create"),
    path("visits/<int:pk>/cancel/", views.visit_cancel, name="visit_cancel"),
    # 供需对接 (R3.2b).
    path("needs/", views.need_list, name="needs"),
    path("needs/<int:pk>/", views.need_detail, name="need"),
    path("needs/<int:pk>/match/", views.need_match, name="need_match"),
    path("needs/<int:pk>/to-case/", views.need_to_case, name="need_to_case"),
    path("needs/<int:pk>/close/", views.need_close, name="need_close"),
    path("offers/", views.offer_list, name="offers"),
    path("offers/new/", views.offer_create, name="offer_create"),
    path("offers/<int:pk>/withdraw/", views.offer_withdraw, name="offer_withdraw"),
]
