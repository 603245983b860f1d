"""Residents registry URLs: exchange (included from urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
