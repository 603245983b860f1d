"""Background work, mounted at /console/tasks/."""

from django.urls import path

from gongzhi.core import views

app_name = "core"
urlpatterns = [
    path("", views.task_list, name="task_list"),
    path("<int:pk>/", views.task_progress, name="task_progress"),
]
