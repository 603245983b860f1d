"""Residents registry URLs: visits (included from urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
