"""Residents registry URLs: import and export (included from urls.py)."""

from django.urls import URLPattern, path

from gongzhi.residents import views_exchange

urlpatterns: list[URLPattern] = [
    path("import/", views_exchange.import_page, name="import"),
    path("import/template.xlsx", views_exchange.import_template, name="import_template"),
    path("import/<int:pk>/", views_exchange.import_result, name="import_result"),
    path("import/<int:pk>/errors.csv", views_exchange.import_errors, name="import_errors"),
    path("export/", views_exchange.export_page, name="export"),
]
