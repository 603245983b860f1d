"""Small predicates that every app's ``rules.py`` combines into named permissions."""

from __future__ import annotations

from typing import Any

import rules

from gongzhi.core.scoping import contains, scope_of


def has_role(*roles: str) -> rules.Predicate:
    """True when the user holds any of ``roles``."""

    @rules.predicate(name=f"has_role({','.join(roles)})")
    def predicate(user: Any) -> bool:
        return bool(
            getattr(user, "is_authenticated", False) and user.is_active and user.has_role(*roles)
        )

    return predicate


@rules.predicate
def is_in_jurisdiction(user: Any, obj: Any) -> bool:
    """The object (anything with a ``region_code``) lies inside the user's jurisdiction.

    With no object the question is about the kind of thing, and the answer is yes.
    """
    if obj is None:
        return True
    code = getattr(obj, "region_code", None)
    return code is not None and contains(scope_of(user), code)


@rules.predicate
def is_self(user: Any, obj: Any) -> bool:
    """The object is the user's own account."""
    return obj is not None and obj.__class__ is user.__class__ and obj.pk == user.pk


@rules.predicate
def is_administrator_account(user: Any, obj: Any) -> bool:
    """The object is an account holding one of the three administrator roles (三员)."""
    return bool(obj is not None and getattr(obj, "is_administrator", False))
