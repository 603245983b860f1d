"""The case engine's staff console under /console/cases/ (办件)."""

from django.urls import path

from gongzhi.cases import attachment_views, views, views_categories, views_intake

app_name = "cases"
urlpatterns: list = [
    # Attachments of a case, for whoever may see the case (the portal uses it too).
    path("attachments/<int:pk>/", attachment_views.attachment, name="attachment"),
    # Inboxes, the case page and its steps, messages (views.py).
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/unmask/", views.unmask_phone, name="unmask"),
    path("<int:pk>/steps/<slug:action>/", views.case_action, name="action"),
    path("messages/", views.notifications, name="notifications"),
    path("messages/read/", views.notifications_read, name="notifications_read"),
    # 一窗受理, its receipt, the grid worker's report (views_intake.py).
    path("window/", views_intake.window_register, name="window"),
    path("window/category/", views_intake.category_fields, name="category_fields"),
    path("window/residents/", views_intake.resident_lookup, name="resident_lookup"),
    path("<int:pk>/receipt/", views_intake.receipt, name="receipt"),
    path("report/", views_intake.event_report, name="report"),
    # 事项管理 (views_categories.py).
    path("categories/", views_categories.category_list, name="category_list"),
    path("categories/new/", views_categories.category_create, name="category_create"),
    path("categories/<int:pk>/", views_categories.category_edit, name="category_edit"),
    path(
        "categories/<int:pk>/deactivate/",
        views_categories.category_deactivate,
        name="category_deactivate",
    ),
]
