"""事项管理: county and league staff keep the catalogue — the service commitment, the
responsible unit, the documents and the Open311 extra fields — with strict Chinese
validation and a ledger event per change (R3.6b 一号申请, R3.2e 一窗受理)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from conftest import Personas
from gongzhi.accounts.testing import client_for
from gongzhi.cases import actions_categories
from gongzhi.cases.models import Category
from gongzhi.ledger.models import Event, EventType

pytestmark = pytest.mark.django_db
LIST = reverse("cases:category_list")
NEW = reverse("cases:category_create")

ATTRIBUTES = [
    {
        "code": "pets",
        "description": "饲养动物",
        "datatype": "singlevaluelist",
        "required": True,
        "values": [{"key": "dog", "name": "狗"}, {"key": "cat", "name": "猫"}],
    },
    {"code": "count", "description": "数量", "datatype": "number", "order": 2},
]


def form_data(**extra: Any) -> dict[str, Any]:
    data = {
        "code": "stray-animals",
        "name": "流浪动物",
        "kind": "event",
        "group": "市容环境",
        "description": "",
        "keywords": "流浪狗 流浪猫",
        "responsible_level": "community",
        "responsible_kind": "",
        "responsible_department": "",
        "accept_unit": "hours",
        "accept_normal": 4,
        "accept_urgent": 1,
        "resolve_unit": "days",
        "resolve_normal": 5,
        "resolve_urgent": 2,
        "due_soon_fraction": 0.2,
        "reopen_days": 7,
        "required_documents": "现场照片\n\n联系人",
        "attributes": json.dumps(ATTRIBUTES, ensure_ascii=False),
        "order": 10,
        "is_active": "on",
    }
    data.update(extra)
    return data


def text(response: Any) -> str:
    return str(response.content.decode())


class TestPermission:
    def test_county_staff_see_the_catalogue_grouped(self, world: Personas) -> None:
        page = text(client_for(world.county_admin).get(LIST))
        assert "服务申请" in page and "网格事件" in page and "社会救助" in page
        assert "受理 1 工作日内，办结 30 工作日内" in page  # 低保

    @pytest.mark.parametrize(
        "persona", ["grid_worker", "staff_a", "street_staff", "system_admin", "audit_admin"]
    )
    def test_everyone_else_is_refused(self, world: Personas, persona: str) -> None:
        client = client_for(getattr(world, persona))
        category = Category.objects.get(code="exposed-garbage")
        assert client.get(LIST).status_code == 403
        assert client.post(NEW, form_data()).status_code == 403
        assert client.get(reverse("cases:category_edit", args=[category.pk])).status_code == 403
        deactivate = reverse("cases:category_deactivate", args=[category.pk])
        assert client.post(deactivate).status_code == 403
        assert Category.objects.get(pk=category.pk).is_active

    def test_the_action_refuses_without_the_permission(self, world: Personas) -> None:
        with pytest.raises(PermissionDenied):
            actions_categories.do_save_category(None, actor=world.staff_a, code="x", name="x")


class TestSaving:
    def test_county_staff_create_a_category_with_attributes(self, world: Personas) -> None:
        response = client_for(world.county_admin).post(NEW, form_data())
        assert response.status_code == 302
        category = Category.objects.get(code="stray-animals")
        assert category.required_documents == ["现场照片", "联系人"]
        assert [a["code"] for a in category.attributes] == ["pets", "count"]
        assert category.attributes[1]["order"] == 2 and category.attributes[1]["values"] == []
        event = Event.objects.filter(type=EventType.CASE_CATEGORY_SAVED).latest("seq")
        assert event.summary["code"] == "stray-animals" and event.summary["created"] is True

    def test_the_new_category_is_offered_at_the_window(self, world: Personas) -> None:
        client_for(world.county_admin).post(NEW, form_data())
        page = text(client_for(world.staff_a).get(reverse("cases:window")))
        assert "流浪动物" in page

    def test_editing_keeps_the_code_and_changes_the_commitment(self, world: Personas) -> None:
        category = Category.objects.get(code="exposed-garbage")
        url = reverse("cases:category_edit", args=[category.pk])
        client = client_for(world.county_admin)
        page = text(client.get(url))
        assert "exposed-garbage" in page and "disabled" in page
        data = form_data(
            code="renamed", name="暴露垃圾", attributes="", required_documents="", resolve_normal=4
        )
        assert client.post(url, data).status_code == 302
        category.refresh_from_db()
        assert category.code == "exposed-garbage" and category.resolve_normal == 4
        event = Event.objects.filter(type=EventType.CASE_CATEGORY_SAVED).latest("seq")
        assert "resolve_normal" in event.summary["changed"]

    @pytest.mark.parametrize(
        ("extra", "field_message"),
        [
            ({"code": "Bad Code"}, "事项编码须为小写字母、数字和连字符"),
            ({"code": "exposed-garbage"}, "事项编码“exposed-garbage”已被使用"),
            ({"name": ""}, "请填写事项名称"),
            ({"accept_normal": ""}, "一般件受理时限须为 1 到 200 之间的整数"),
            ({"resolve_urgent": 9}, "紧急件办结时限不能长于一般件"),
            ({"due_soon_fraction": 1.5}, "临期提醒比例须为 0 到 1 之间的小数"),
            ({"reopen_days": 999}, "可重新办理天数须为 0 到 365 之间的整数"),
            ({"responsible_department": "不存在局"}, "没有名称或简称为“不存在局”的在册职能部门"),
            ({"attributes": "[{"}, "附加信息项不是有效的 JSON"),
            ({"attributes": "{}"}, "附加信息项须为数组"),
            (
                {
                    "attributes": '[{"code": "pets", "description": "饲养动物", '
                    '"datatype": "colour"}]'
                },
                "附加信息项“pets”：datatype 须为",
            ),
            (
                {
                    "attributes": '[{"code": "pets", "description": "饲养动物", '
                    '"datatype": "singlevaluelist"}]'
                },
                "附加信息项“pets”：单选、多选须列出 values",
            ),
            (
                {"attributes": '[{"code": "pets", "datatype": "string"}]'},
                "附加信息项“pets”：须填写 description",
            ),
            (
                {
                    "attributes": '[{"code": "a", "description": "甲"}, '
                    '{"code": "a", "description": "乙"}]'
                },
                "附加信息项“a”：code 重复",
            ),
            (
                {"attributes": '[{"code": "a", "description": "甲", "required": "yes"}]'},
                "附加信息项“a”：required 须为 true 或 false",
            ),
            ({"attributes": '[{"description": "甲"}]'}, "第 1 个附加信息项：code 须为字母开头"),
        ],
    )
    def test_bad_input_gets_a_chinese_message_and_saves_nothing(
        self, world: Personas, extra: dict[str, Any], field_message: str
    ) -> None:
        before = (Category.objects.count(), Event.objects.count())
        response = client_for(world.county_admin).post(NEW, form_data(**extra))
        assert response.status_code == 200
        assert field_message in text(response)
        assert (Category.objects.count(), Event.objects.count()) == before

    def test_the_action_keys_errors_by_field(self, world: Personas) -> None:
        with pytest.raises(ValidationError) as caught:
            actions_categories.do_save_category(
                None, actor=world.county_admin, code="ok-code", name="", kind="nonsense"
            )
        assert set(caught.value.message_dict) >= {"name", "kind"}


class TestDeactivating:
    def test_a_deactivated_category_leaves_the_catalogue(self, world: Personas) -> None:
        category = Category.objects.get(code="street-lamp")
        client = client_for(world.county_admin)
        url = reverse("cases:category_deactivate", args=[category.pk])
        response = client.post(url, follow=True)
        assert "已停用" in text(response)
        assert not Category.objects.get(pk=category.pk).is_active
        assert Event.objects.filter(type=EventType.CASE_CATEGORY_DEACTIVATED).exists()
        assert "路灯不亮" not in text(client_for(world.grid_worker).get(reverse("cases:report")))
        # Twice is refused with a message, nothing written.
        before = Event.objects.count()
        assert "该事项已停用" in text(client.post(url, follow=True))
        assert Event.objects.count() == before
