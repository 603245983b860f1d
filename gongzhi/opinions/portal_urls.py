"""Opinion-map pages of the resident portal, mounted inside the ``portal`` namespace by
``gongzhi/portal/urls.py`` (``portal:opinions``, ``portal:opinion``…)."""

from django.urls import path

from gongzhi.opinions import portal_views as views

urlpatterns = [
    path("opinions/", views.conversation_list, name="opinions"),
    path("opinions/<int:pk>/", views.conversation, name="opinion"),
    path("opinions/<int:pk>/vote/<int:statement>/", views.vote, name="opinion_vote"),
    path("opinions/<int:pk>/statements/new/", views.statement_new, name="opinion_statement_new"),
    path("opinions/<int:pk>/groups/", views.groups, name="opinion_groups"),
]
