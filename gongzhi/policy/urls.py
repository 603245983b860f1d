from django.urls import path

from gongzhi.policy import views

app_name = "policy"

urlpatterns = [
    path("", views.policy_list, name="list"),
    path("<str:key>/", views.policy_detail, name="detail"),
]
