"""The seeded category set: valid, in the Open311 attribute shape, and idempotent."""

from __future__ import annotations

import pytest

from gongzhi.cases.enums import AttributeType, CaseKind
from gongzhi.cases.models import Category
from gongzhi.cases.seed import CATEGORIES, seed_categories
from gongzhi.ledger.models import Event, EventType

pytestmark = pytest.mark.django_db

OPEN311_KEYS = {
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
}


def test_seeding_twice_adds_nothing_and_keeps_console_edits() -> None:
    first = seed_categories()
    assert first.created == len(CATEGORIES)
    Category.objects.filter(code="residence-certificate").update(accept_normal=2)
    second = seed_categories()
    assert (second.created, second.kept) == (0, len(CATEGORIES))
    assert Category.objects.get(code="residence-certificate").accept_normal == 2
    assert Event.objects.filter(type=EventType.CASE_CATEGORIES_SEEDED).count() == 1


def test_every_family_is_seeded() -> None:
    seed_categories()
    kinds = set(Category.objects.values_list("kind", flat=True))
    assert kinds == set(CaseKind.values)
    groups = set(Category.objects.values_list("group", flat=True))
    assert {"市容环境", "宣传广告", "施工管理", "街面秩序", "突发事件", "其他"} <= groups
    assert {"农村牧区", "公共设施", "社会救助"} <= groups
    names = set(Category.objects.values_list("name", flat=True))
    assert {"居住证明", "低保申请", "高龄津贴", "残疾人两项补贴", "临时救助"} <= names
    assert {"草场或土地纠纷", "饮水安全", "秸秆焚烧"} <= names


def test_every_seeded_category_is_valid_and_its_attributes_are_open311_shaped() -> None:
    seed_categories()
    for category in Category.objects.all():
        category.full_clean()
        for spec in category.attributes:
            assert set(spec) == OPEN311_KEYS, category.code
            assert spec["datatype"] in AttributeType.values
            if spec["datatype"] in (AttributeType.SINGLE, AttributeType.MULTI):
                assert spec["values"], category.code
