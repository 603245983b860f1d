"""``core.inserting.insert`` writes the row ``save()`` would write, from a statement
compiled once (issue 4: creation under concurrent clients)."""

from __future__ import annotations

from typing import Any

import pytest
from django.forms.models import model_to_dict

from gongzhi.cases.models import Category
from gongzhi.core.inserting import insert

pytestmark = pytest.mark.django_db

VALUES: dict[str, Any] = {
    "name": "占道经营",
    "kind": "event",
    "accept_normal": 3,
    "attributes": [{"code": "size", "datatype": "number", "required": False}],
    "required_documents": ["照片"],
}


def stored(pk: int) -> dict[str, Any]:
    return model_to_dict(Category.objects.get(pk=pk), exclude=["id", "code"])


def test_an_inserted_row_is_the_row_save_writes() -> None:
    saved = Category(code="saved", **VALUES)
    saved.save()
    for code in ("first", "second"):  # the second runs the compiled statement
        category = Category(code=code, **VALUES)
        insert(category)
        assert category.pk is not None and not category._state.adding
        assert category.created_at is not None and category.updated_at is not None
        assert stored(category.pk) == stored(saved.pk)
        assert Category.objects.get(pk=category.pk).code == code
