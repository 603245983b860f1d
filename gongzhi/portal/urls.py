from django.urls import path

from gongzhi.cases import portal_urls as case_pages
from gongzhi.consultations import portal_urls as consultation_pages
from gongzhi.disclosures import portal_urls as disclosure_pages
from gongzhi.elections import portal_urls as election_pages
from gongzhi.opinions import portal_urls as opinion_pages
from gongzhi.outreach import portal_urls as outreach_pages
from gongzhi.polls import portal_urls as poll_pages
from gongzhi.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("elder-mode/", views.elder_mode, name="elder_mode"),
    path("me/", views.me, name="me"),
    path("me/household/", views.my_household, name="my_household"),
    # 办事指南, 一号申请, 我的办件, 我的消息: the case engine's resident pages (R3.6b).
    *case_pages.urlpatterns,
    # 流动服务 (R3.2a) and 供需对接 (R3.2b).
    *outreach_pages.urlpatterns,
    # 议事协商 (R2.3e, R3.1a–R3.1f): topics, consultations, outcomes, my participation.
    *consultation_pages.urlpatterns,
    # 社区投票 (R2.3e): open polls, my vote, results when allowed.
    *poll_pages.urlpatterns,
    # 意见地图 (R3.1d, R2.3e).
    *opinion_pages.urlpatterns,
    # 居务公开 (R2.3f): the community's disclosures, questions, supervision review.
    *disclosure_pages.urlpatterns,
    # 委员会选举 (R2.3d): am I on the voter list, where to vote, results.
    *election_pages.urlpatterns,
]
