"""The residents registry under /console/residents/."""

from django.urls import include, path

from gongzhi.residents import views

app_name = "residents"
urlpatterns = [
    path("", views.resident_list, name="list"),
    path("<int:pk>/", views.resident_detail, name="detail"),
    path("<int:pk>/unmask/", views.resident_unmask, name="unmask"),
    path("<int:pk>/edit/", views.resident_edit, name="edit"),
    path("<int:pk>/move/", views.resident_move, name="move"),
    path("<int:pk>/departure/", views.resident_departure, name="departure"),
    path("<int:pk>/merge/", views.resident_merge, name="merge"),
    path("households/new/", views.household_create, name="household_create"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/<int:pk>/residents/new/", views.resident_create, name="resident_create"),
    # Import and export (urls_exchange.py), visits and migrants (urls_visits.py).
    path("", include("gongzhi.residents.urls_exchange")),
    path("", include("gongzhi.residents.urls_visits")),
    # Tag configuration and portal accounts (urls_tags.py).
    path("", include("gongzhi.residents.urls_tags")),
]
