"""Account URLs: the login pages under /accounts/, the 三员 pages under /console/accounts/.

Included at the site root (``config/urls.py``) so that both live in the ``accounts``
namespace the console navigation uses.
"""

from django.urls import path

from gongzhi.accounts import console_views, views

app_name = "accounts"
urlpatterns = [
    path("accounts/login/", views.login, name="login"),
    path("accounts/logout/", views.logout, name="logout"),
    path("accounts/otp/enrol/", views.otp_enrol, name="otp_enrol"),
    path("accounts/otp/verify/", views.otp_verify, name="otp_verify"),
    path("accounts/password/", views.password_change, name="password_change"),
    path("console/accounts/", console_views.user_list, name="user_list"),
    path("console/accounts/new/", console_views.user_create, name="user_create"),
    path("console/accounts/regions/", console_views.region_options, name="region_options"),
    path("console/accounts/<int:pk>/", console_views.user_detail, name="user_detail"),
    path("console/accounts/<int:pk>/roles/grant/", console_views.grant_role, name="grant_role"),
    path("console/accounts/<int:pk>/roles/revoke/", console_views.revoke_role, name="revoke_role"),
    path(
        "console/accounts/<int:pk>/jurisdiction/",
        console_views.change_jurisdiction,
        name="change_jurisdiction",
    ),
    path("console/accounts/<int:pk>/disable/", console_views.disable_user, name="disable_user"),
    path("console/accounts/<int:pk>/enable/", console_views.enable_user, name="enable_user"),
    path(
        "console/accounts/<int:pk>/password/", console_views.reset_password, name="reset_password"
    ),
    path("console/accounts/<int:pk>/lockout/", console_views.clear_lockout, name="clear_lockout"),
    path("console/accounts/<int:pk>/otp/", console_views.reset_otp, name="reset_otp"),
    path(
        "console/accounts/<int:pk>/tokens/<int:token_id>/revoke/",
        console_views.revoke_token,
        name="revoke_token",
    ),
]
