"""Committee elections in the staff console under /console/elections/ (委员会选举)."""

from django.urls import path

from gongzhi.elections import recall_views, views

app_name = "elections"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("recalls/", recall_views.recalls, name="recalls"),
    path("recalls/<int:pk>/vote/", recall_views.recall_vote, name="recall_vote"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/appoint/", views.appoint, name="appoint"),
    path("<int:pk>/reschedule/", views.reschedule, name="reschedule"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/voters/", views.voters, name="voters"),
    path("<int:pk>/voters/pdf/", views.voters_pdf, name="voters_pdf"),
    path("<int:pk>/voters/build/", views.build, name="build"),
    path("<int:pk>/voters/publish/", views.publish_list, name="publish_list"),
    path("<int:pk>/requests/", views.file_request, name="file_request"),
    path("<int:pk>/requests/<int:request_pk>/decide/", views.decide_request, name="decide_request"),
    path("<int:pk>/proxies/", views.proxies, name="proxies"),
    path("<int:pk>/proxies/<int:proxy_pk>/withdraw/", views.withdraw_proxy, name="withdraw_proxy"),
    path("<int:pk>/candidates/", views.candidates, name="candidates"),
    path("<int:pk>/candidates/publish/", views.publish_candidates, name="publish_candidates"),
    path(
        "<int:pk>/candidates/<int:candidate_pk>/withdraw/",
        views.withdraw_candidate,
        name="withdraw_candidate",
    ),
    path("<int:pk>/ballot/", views.ballot, name="ballot"),
    path("<int:pk>/stations/", views.stations, name="stations"),
    path("<int:pk>/stations/<int:station_pk>/sheet/", views.sheet, name="sheet"),
    path("<int:pk>/stations/<int:station_pk>/ballots/", views.bundles, name="bundles"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/results/tally/", views.tally, name="tally"),
    path("<int:pk>/results/further-round/", views.further_round, name="further_round"),
    path("<int:pk>/results/certify/", views.certify, name="certify"),
    path("<int:pk>/results/handover/", views.handover, name="handover"),
]
