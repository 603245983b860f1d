"""Consultation pages of the resident portal, mounted inside the ``portal`` namespace by
``gongzhi/portal/urls.py`` (``portal:consultations``, ``portal:topic``…)."""

from django.urls import path

from gongzhi.consultations import portal_views as views

urlpatterns = [
    path("consultations/", views.topic_list, name="consultations"),
    path("consultations/topics/new/", views.topic_new, name="topic_new"),
    path("consultations/topics/<int:pk>/", views.topic_detail, name="topic"),
    path("consultations/topics/<int:pk>/support/", views.topic_support, name="topic_support"),
    path("consultations/topics/<int:pk>/comment/", views.topic_comment, name="topic_comment"),
    path("consultations/topics/<int:pk>/rate/", views.rate, name="topic_rate"),
    path(
        "consultations/meetings/<int:pk>/register/", views.meeting_register, name="meeting_register"
    ),
    path("consultations/mine/", views.my_participation, name="my_participation"),
]
