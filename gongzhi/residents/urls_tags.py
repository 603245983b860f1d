"""Residents registry URLs: tag configuration and portal accounts (included from urls.py)."""

from django.urls import URLPattern, path

from gongzhi.residents import views_tags

urlpatterns: list[URLPattern] = [
    path("tags/", views_tags.tag_list, name="tag_list"),
    path("tags/new/", views_tags.tag_create, name="tag_create"),
    path("tags/<int:pk>/edit/", views_tags.tag_edit, name="tag_edit"),
    path("tags/<int:pk>/deactivate/", views_tags.tag_deactivate, name="tag_deactivate"),
    path("tags/<int:pk>/activate/", views_tags.tag_activate, name="tag_activate"),
    path("<int:pk>/account/", views_tags.resident_account, name="account"),
    path("<int:pk>/account/unlink/", views_tags.resident_account_unlink, name="account_unlink"),
]
