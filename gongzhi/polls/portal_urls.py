"""Poll pages of the resident portal, mounted inside the ``portal`` namespace by
``gongzhi/portal/urls.py`` (``portal:polls``, ``portal:poll``, ``portal:poll_vote``)."""

from django.urls import path

from gongzhi.polls import portal_views as views

urlpatterns = [
    path("polls/", views.poll_list, name="polls"),
    path("polls/<int:pk>/", views.poll_detail, name="poll"),
    path("polls/<int:pk>/vote/", views.poll_vote, name="poll_vote"),
]
