"""Region browsing under /console/regions/ (codes are digits: 4–12 for divisions,
15 for grids, 18 for compounds, 21 for buildings)."""

from django.urls import path, register_converter

from gongzhi.regions import views


class PlaceCodeConverter:
    regex = "[0-9]{4,21}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PlaceCodeConverter, "place")

app_name = "regions"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("search/", views.search, name="search"),
    path("grids/<place:code>/", views.grid_detail, name="grid_detail"),
    path("grids/<place:code>/edit/", views.grid_form, {"edit": True}, name="grid_edit"),
    path("grids/<place:code>/compounds/new/", views.compound_form, name="compound_create"),
    path("compounds/<place:code>/", views.compound_detail, name="compound_detail"),
    path("compounds/<place:code>/edit/", views.compound_form, {"edit": True}, name="compound_edit"),
    path("compounds/<place:code>/buildings/new/", views.building_form, name="building_create"),
    path("buildings/<place:code>/edit/", views.building_form, {"edit": True}, name="building_edit"),
    path("<place:code>/", views.region_detail, name="region_detail"),
    path("<place:code>/grids/new/", views.grid_form, name="grid_create"),
]
