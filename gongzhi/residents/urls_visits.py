"""Residents registry URLs: grid pages, visits, migrants, party members (included from urls.py)."""

from django.urls import URLPattern, path

from gongzhi.residents import views_visits

urlpatterns: list[URLPattern] = [
    path("grid/", views_visits.my_grids, name="my_grids"),
    path(
        "grids/<str:code>/households/",
        views_visits.grid_households,
        name="grid_households",
    ),
    path("households/<int:pk>/visits/new/", views_visits.visit_create, name="visit_create"),
    path("<int:pk>/migrant/", views_visits.migrant_details, name="migrant_details"),
    path("<int:pk>/party/", views_visits.party_membership, name="party_membership"),
]
