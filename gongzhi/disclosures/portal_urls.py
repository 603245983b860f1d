"""Disclosure pages of the resident portal, mounted inside the ``portal`` namespace by
``gongzhi/portal/urls.py`` (``portal:disclosure``, ``portal:disclosure_ask``…)."""

from django.urls import path

from gongzhi.disclosures import portal_views as views

urlpatterns = [
    path("disclosure/", views.index, name="disclosure"),
    path("disclosure/review/", views.review_list, name="disclosure_review_list"),
    path("disclosure/review/<int:pk>/", views.review, name="disclosure_review"),
    path("disclosure/<str:pk>/ask/", views.ask, name="disclosure_ask"),
]
