from django.urls import path

from gongzhi.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("elder-mode/", views.elder_mode, name="elder_mode"),
    path("services/", views.services, name="services"),
    path("cases/", views.my_cases, name="my_cases"),
    path("consultations/", views.consultations, name="consultations"),
    path("disclosure/", views.disclosure, name="disclosure"),
    path("me/", views.me, name="me"),
    path("me/household/", views.my_household, name="my_household"),
]
