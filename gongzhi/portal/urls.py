from django.urls import path

from gongzhi.cases import portal_urls as case_pages
from gongzhi.outreach import portal_urls as outreach_pages
from gongzhi.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("elder-mode/", views.elder_mode, name="elder_mode"),
    path("consultations/", views.consultations, name="consultations"),
    path("disclosure/", views.disclosure, name="disclosure"),
    path("me/", views.me, name="me"),
    path("me/household/", views.my_household, name="my_household"),
    # 办事指南, 一号申请, 我的办件, 我的消息: the case engine's resident pages (R3.6b).
    *case_pages.urlpatterns,
    # 流动服务 (R3.2a) and 供需对接 (R3.2b).
    *outreach_pages.urlpatterns,
]
