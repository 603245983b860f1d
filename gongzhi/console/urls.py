from django.urls import path

from gongzhi.console import views

app_name = "console"
urlpatterns = [
    path("", views.home, name="home"),
    path("jurisdiction/", views.switch_jurisdiction, name="switch_jurisdiction"),
]
