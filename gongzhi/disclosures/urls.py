"""居务公开 in the staff console under /console/disclosures/."""

from django.urls import path

from gongzhi.disclosures import views

app_name = "disclosures"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("flags/", views.flags, name="flags"),
    path("questions/", views.questions, name="questions"),
    path("questions/<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/sign-off/", views.sign_off, name="sign_off"),
    path("<int:pk>/return/", views.return_, name="return"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/correct/", views.correct, name="correct"),
    path("<int:pk>/discard/", views.discard, name="discard"),
]
