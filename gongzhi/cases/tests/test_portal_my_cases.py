"""我的办件 (R3.6b): a resident follows their own cases on the timeline residents see,
answers the follow-up (回访) with the 5-level 好差评 rating once, and reopens within the
category's window; 我的消息 with the unread count in the header."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import COMMUNITY_A, Personas, make_user
from gongzhi.accounts.testing import client_for
from gongzhi.cases import actions
from gongzhi.cases.attachments import do_attach_files
from gongzhi.cases.enums import CaseStatus
from gongzhi.cases.models import Case, Notification
from gongzhi.cases.tests.conftest import closed_case, submit, verifying_case
from gongzhi.cases.tests.portal_helpers import jpeg
from gongzhi.console.tests.a11y import assert_accessible

pytestmark = pytest.mark.django_db


def detail_url(case: Case) -> str:
    return reverse("portal:case_detail", args=[case.pk])


def closed_now(personas: Personas) -> Case:
    """A case closed just now: inside its reopen window."""
    case = verifying_case(personas)
    return actions.do_verify_close_case(case, actor=personas.street_staff)


class TestMyCases:
    def test_the_list_shows_only_the_residents_own_cases_newest_first(
        self, world: Personas
    ) -> None:
        neighbour = make_user("neighbour", "resident", COMMUNITY_A)
        first = submit(world.resident, description="第一件")
        second = submit(world.resident, "noise-nuisance", description="第二件")
        theirs = submit(neighbour, "suggestion", description="别人的")
        html = client_for(world.resident).get(reverse("portal:my_cases")).content.decode()
        assert first.number in html and second.number in html
        assert theirs.number not in html
        assert html.index(second.number) < html.index(first.number)
        assert "待受理" in html and "受理期限" in html

    def test_the_list_is_paginated(self, world: Personas) -> None:
        for i in range(21):
            submit(world.resident, description=f"第{i}件")
        client = client_for(world.resident)
        html = client.get(reverse("portal:my_cases")).content.decode()
        assert html.count('class="case-list-item"') == 20
        assert "第 1 / 2 页" in html
        html = client.get(reverse("portal:my_cases"), {"page": 2}).content.decode()
        assert html.count('class="case-list-item"') == 1

    def test_a_visitor_is_asked_to_log_in(self, world: Personas) -> None:
        from django.test import Client

        html = Client().get(reverse("portal:my_cases")).content.decode()
        assert "查看自己的办件需要先登录" in html

    def test_another_residents_case_is_404(self, world: Personas) -> None:
        neighbour = make_user("neighbour", "resident", COMMUNITY_A)
        case = submit(world.resident)
        client = client_for(neighbour)
        assert client.get(detail_url(case)).status_code == 404
        assert client.get(reverse("portal:case_submitted", args=[case.pk])).status_code == 404
        response = client.post(reverse("portal:case_rate", args=[case.pk]), {"rating": "1"})
        assert response.status_code == 404

    def test_staff_do_not_see_cases_in_the_residents_pages(self, world: Personas) -> None:
        case = submit(world.resident)
        assert client_for(world.staff_a).get(detail_url(case)).status_code == 404


class TestDetail:
    def test_the_timeline_hides_internal_notes(self, world: Personas) -> None:
        case = submit(world.resident)
        actions.do_accept_case(case, actor=world.staff_a, note="已受理，请耐心等待")
        actions.do_dispatch_case(
            case, actor=world.staff_a, region_code=COMMUNITY_A, note="内部派遣意见：找物业"
        )
        actions.do_feedback_case(case, actor=world.staff_a, note="垃圾已清运完毕")
        html = client_for(world.resident).get(detail_url(case)).content.decode()
        assert "已受理，请耐心等待" in html
        assert "垃圾已清运完毕" in html
        assert "内部派遣意见" not in html
        for step in ["提交", "受理", "派遣", "处置反馈"]:
            assert f'<span class="case-step-action">{step}</span>' in html
        assert "待核查" in html

    def test_a_refused_case_shows_the_reason(self, world: Personas) -> None:
        case = submit(world.resident)
        actions.do_refuse_case(case, actor=world.staff_a, reason="不属于本社区办理范围")
        html = client_for(world.resident).get(detail_url(case)).content.decode()
        assert "不予受理的理由" in html
        assert "不属于本社区办理范围" in html

    def test_photos_are_shown_through_the_checked_url(
        self, world: Personas, settings: Any, tmp_path: Path
    ) -> None:
        settings.MEDIA_ROOT = tmp_path
        case = submit(world.resident)
        [photo] = do_attach_files(case, [jpeg()], actor=world.resident)
        html = client_for(world.resident).get(detail_url(case)).content.decode()
        assert f'src="{reverse("cases:attachment", args=[photo.pk])}"' in html
        assert "/media/" not in html

    def test_extra_fields_show_their_labels(self, world: Personas) -> None:
        case = submit(
            world.resident,
            "residence-certificate",
            attributes={"purpose": "school"},
        )
        html = client_for(world.resident).get(detail_url(case)).content.decode()
        assert "<dt>证明用途</dt><dd>子女入学</dd>" in html

    def test_the_page_is_accessible(self, world: Personas) -> None:
        case = closed_now(world)
        assert_accessible(client_for(world.resident).get(detail_url(case)).content.decode())


class TestRating:
    def test_there_is_no_rating_before_closing(self, world: Personas) -> None:
        case = submit(world.resident)
        client = client_for(world.resident)
        assert "提交评价" not in client.get(detail_url(case)).content.decode()
        response = client.post(reverse("portal:case_rate", args=[case.pk]), {"rating": "5"})
        assert response.status_code == 400
        assert "不能评价" in response.content.decode()
        case.refresh_from_db()
        assert case.rating is None

    def test_the_resident_rates_once_after_closing(self, world: Personas) -> None:
        case = closed_now(world)
        client = client_for(world.resident)
        html = client.get(detail_url(case)).content.decode()
        assert "回访" in html
        for label in ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]:
            assert label in html
        rate = reverse("portal:case_rate", args=[case.pk])
        response = client.post(rate, {"rating": "5", "comment": "清理得很及时"})
        assert response.status_code == 302
        case.refresh_from_db()
        assert (case.rating, case.rating_comment) == (5, "清理得很及时")
        html = client.get(detail_url(case)).content.decode()
        assert "提交评价" not in html and "非常满意" in html
        again = client.post(rate, {"rating": "1"})
        assert again.status_code == 400
        assert "该办件已评价，不能重复评价" in again.content.decode()
        case.refresh_from_db()
        assert case.rating == 5

    def test_a_rating_must_be_chosen(self, world: Personas) -> None:
        case = closed_now(world)
        response = client_for(world.resident).post(reverse("portal:case_rate", args=[case.pk]), {})
        assert "请选择评价等级" in response.content.decode()


class TestReopening:
    def test_inside_the_window_the_resident_reopens_with_a_reason(self, world: Personas) -> None:
        case = closed_now(world)
        client = client_for(world.resident)
        html = client.get(detail_url(case)).content.decode()
        assert "申请重新办理" in html
        assert case.closed_at is not None
        until = timezone.localtime(case.closed_at + timedelta(days=7)).strftime("%Y-%m-%d %H:%M")
        assert f"可在 {until} 前申请重新办理" in html
        reopen = reverse("portal:case_reopen", args=[case.pk])
        assert "请填写重新办理的理由" in client.post(reopen, {"reason": ""}).content.decode()
        response = client.post(reopen, {"reason": "垃圾又堆起来了"})
        assert response.status_code == 302
        case.refresh_from_db()
        assert case.status == CaseStatus.HANDLING
        assert case.reopened_count == 1

    def test_after_the_window_the_button_is_gone_and_the_date_shown(self, world: Personas) -> None:
        case = closed_case(world)  # closed on 2026-03-02, seven days' window
        client = client_for(world.resident)
        html = client.get(detail_url(case)).content.decode()
        assert "重新办理的期限已于 2026-03-09 09:00 截止" in html
        assert reverse("portal:case_reopen", args=[case.pk]) not in html
        response = client.post(
            reverse("portal:case_reopen", args=[case.pk]), {"reason": "还是没有解决"}
        )
        assert response.status_code == 400
        assert "已超过结案后 7 天的重新办理期限" in response.content.decode()
        case.refresh_from_db()
        assert case.status == CaseStatus.CLOSED


class TestMessages:
    def test_the_header_counts_unread_messages_and_they_can_be_read(
        self, world: Personas, django_capture_on_commit_callbacks: Any
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            case = submit(world.resident)
        with django_capture_on_commit_callbacks(execute=True):
            actions.do_accept_case(case, actor=world.staff_a)
        assert Notification.objects.filter(user=world.resident).count() == 2
        client = client_for(world.resident)
        html = client.get(reverse("portal:home")).content.decode()
        assert '<span class="portal-unread">2</span>' in html
        page = client.get(reverse("portal:notifications")).content.decode()
        assert case.number in page and "已受理" in page
        assert f'href="{detail_url(case)}"' in page
        client.post(reverse("portal:notifications_read"))
        html = client.get(reverse("portal:home")).content.decode()
        assert "portal-unread" not in html
        assert not Notification.objects.filter(user=world.resident, read_at__isnull=True).exists()

    def test_only_the_residents_own_messages_are_listed(self, world: Personas) -> None:
        Notification.objects.create(user=world.staff_a, text="给工作人员的消息")
        Notification.objects.create(user=world.resident, text="给居民的消息")
        page = client_for(world.resident).get(reverse("portal:notifications")).content.decode()
        assert "给居民的消息" in page and "给工作人员的消息" not in page
