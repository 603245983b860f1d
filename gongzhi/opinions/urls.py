"""The opinion map in the staff console under /console/opinions/ (意见地图)."""

from django.urls import path

from gongzhi.opinions import views

app_name = "opinions"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/status/", views.set_status, name="set_status"),
    path("<int:pk>/recompute/", views.recompute, name="recompute"),
    path("<int:pk>/statements/new/", views.statement_add, name="statement_add"),
    path("statements/<int:pk>/edit/", views.statement_edit, name="statement_edit"),
    path("statements/<int:pk>/moderate/", views.statement_moderate, name="statement_moderate"),
]
