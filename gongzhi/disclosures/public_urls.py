"""Public disclosure pages, mounted at /gongkai/ by ``config/urls.py``."""

from django.urls import path

from gongzhi.disclosures import public_views as views

app_name = "gongkai"
urlpatterns = [
    path("<str:code>/", views.community, name="community"),
    path("<str:code>/<str:pk>/", views.disclosure, name="disclosure"),
]
