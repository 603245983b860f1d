"""Who may enter the staff console."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

View = Callable[..., HttpResponse]


def staff_required(view: View) -> View:
    """Let in staff and administrators bound to a region; send everyone else away.

    A visitor who is not logged in goes to the login page. A resident who wanders into
    the console is taken to the resident portal; a staff account that has no region yet
    gets 403, since it has no jurisdiction to show.
    """

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user: Any = request.user
        if user.has_jurisdiction:
            return view(request, *args, **kwargs)
        if not user.is_staff_member:
            messages.info(request, _("员工工作台仅供工作人员使用，已为您打开居民服务。"))
            return redirect("portal:home")
        raise PermissionDenied(
            _("您的账号尚未设定辖区，暂时不能使用员工工作台，请联系安全管理员。")
        )

    return wrapper
