from django.urls import path

from gongzhi.ledger import views

app_name = "ledger"
urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("<int:seq>/", views.event_detail, name="event_detail"),
    path("verify/", views.verify, name="verify"),
    path("export/<slug:fmt>/", views.export, name="event_export"),
]
