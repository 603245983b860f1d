"""Consultations in the staff console under /console/consultations/ (议事协商)."""

from django.urls import path

from gongzhi.consultations import views

app_name = "consultations"
urlpatterns = [
    path("", views.index, name="index"),
    path("topics/new/", views.topic_raise, name="topic_raise"),
    path("topics/<int:pk>/", views.topic_detail, name="topic"),
    path("topics/<int:pk>/accept/", views.topic_accept, name="topic_accept"),
    path("topics/<int:pk>/route/", views.topic_route, name="topic_route"),
    path("topics/<int:pk>/decline/", views.topic_decline, name="topic_decline"),
    path("topics/<int:pk>/comment/", views.topic_comment, name="topic_comment"),
    path("consultations/", views.consultation_list, name="consultations"),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation"),
    path("consultations/<int:pk>/advance/", views.consultation_advance, name="advance"),
    path("consultations/<int:pk>/features/", views.consultation_features, name="features"),
    path("consultations/<int:pk>/participants/", views.participant_add, name="participant_add"),
    path("consultations/<int:pk>/meetings/", views.meeting_add, name="meeting_add"),
    path("consultations/<int:pk>/items/", views.item_add, name="item_add"),
    path("consultations/<int:pk>/report/", views.consultation_report, name="report"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/attendance/", views.meeting_attendance, name="attendance"),
    path("meetings/<int:pk>/decision/", views.meeting_decision, name="decision"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("overdue/", views.overdue, name="overdue"),
    path("participation/<int:resident_pk>/", views.participation, name="participation"),
]
