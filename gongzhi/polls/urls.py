"""Polls in the staff console under /console/polls/ (社区投票)."""

from django.urls import path

from gongzhi.polls import views

app_name = "polls"
urlpatterns = [
    path("", views.poll_list, name="list"),
    path("new/", views.poll_create, name="create"),
    path("<int:pk>/", views.poll_detail, name="detail"),
    path("<int:pk>/edit/", views.poll_edit, name="edit"),
    path("<int:pk>/open/", views.poll_open, name="open"),
    path("<int:pk>/close/", views.poll_close, name="close"),
    path("<int:pk>/publish/", views.poll_publish, name="publish"),
    path("<int:pk>/booths/new/", views.booth_create, name="booth_create"),
    path("<int:pk>/booths/<int:booth_pk>/results/", views.booth_results, name="booth_results"),
    path("<int:pk>/turnout/", views.turnout, name="turnout"),
    path("<int:pk>/turnout/mark/", views.mark_paper_voter, name="mark"),
    path("<int:pk>/turnout/<int:turnout_pk>/unmark/", views.unmark_paper_voter, name="unmark"),
]
