"""R2.3f: public pages readable without logging in; only published disclosures exist there;
small and cacheable; questions and answers shown with the asker's name masked."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import COMMUNITY_A, COMMUNITY_B, Personas
from gongzhi.accounts.testing import login
from gongzhi.disclosures import actions
from gongzhi.disclosures.models import Disclosure
from gongzhi.disclosures.tests.conftest import Committees, draft_finances, publish


def page(d: Disclosure) -> str:
    return reverse("gongkai:disclosure", args=[d.region_code, d.pk])


@pytest.mark.django_db
class TestPublicVisibility:
    def test_a_published_disclosure_opens_without_logging_in(self, published: Disclosure) -> None:
        response = Client().get(page(published))
        assert response.status_code == 200
        html = response.content.decode()
        assert "2026年10月财务收支公开" in html
        assert "10,414.25" in html  # 收支相抵
        assert "高娃（委员）" in html
        assert "<script" not in html
        assert "csrfmiddlewaretoken" not in html

    @pytest.mark.parametrize("step", ["draft", "submitted", "signed_off"])
    def test_anything_unpublished_is_404(
        self, personas: Personas, committees: Committees, step: str
    ) -> None:
        d = draft_finances(personas.staff_a)
        if step != "draft":
            actions.do_submit_disclosure(d, actor=personas.staff_a)
        if step == "signed_off":
            actions.do_sign_off_disclosure(d, actor=committees.supervisor)
        assert Client().get(page(d)).status_code == 404
        listing = Client().get(reverse("gongkai:community", args=[COMMUNITY_A]))
        assert d.title not in listing.content.decode()

    def test_a_disclosure_is_404_under_another_communitys_address(
        self, published: Disclosure
    ) -> None:
        url = reverse("gongkai:disclosure", args=[COMMUNITY_B, published.pk])
        assert Client().get(url).status_code == 404

    def test_the_community_list_shows_published_ones_by_category(
        self, published: Disclosure
    ) -> None:
        url = reverse("gongkai:community", args=[COMMUNITY_A])
        html = Client().get(url, {"category": "finances"}).content.decode()
        assert "2026年10月财务收支公开" in html
        assert "2026年10月" in html
        html = Client().get(url, {"category": "relief"}).content.decode()
        assert "2026年10月财务收支公开" not in html

    def test_an_unknown_community_is_404(self, regions: None) -> None:
        assert Client().get(reverse("gongkai:community", args=["152201001"])).status_code == 404

    def test_both_versions_stay_visible_with_the_correction_marked(
        self, personas: Personas, committees: Committees, published: Disclosure
    ) -> None:
        correction = actions.do_draft_correction(
            published, note="电费金额有误", actor=personas.staff_a
        )
        publish(correction, personas.staff_a, committees.supervisor)
        old = Client().get(page(published)).content.decode()
        assert "更正，以下为原公开内容（保留备查）" in old
        assert "查看更正后的内容（第 2 版）" in old
        new = Client().get(page(correction)).content.decode()
        assert "本内容为第 2 版" in new and "电费金额有误" in new
        listing = Client().get(reverse("gongkai:community", args=[COMMUNITY_A])).content.decode()
        assert "已更正" in listing and listing.count("2026年10月财务收支公开") == 2


@pytest.mark.django_db
class TestCaching:
    def test_pages_are_public_cacheable_and_revalidate_with_etag(
        self, published: Disclosure
    ) -> None:
        response = Client().get(page(published))
        assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]
        etag = response["ETag"]
        again = Client().get(page(published), HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304
        assert again.content == b""
        assert "Set-Cookie" not in response.headers

    def test_a_logged_in_visitor_gets_a_private_response(
        self, published: Disclosure, personas: Personas
    ) -> None:
        client = Client()
        client.force_login(personas.resident)
        response = client.get(page(published))
        assert response.status_code == 200
        assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]

    def test_the_english_page_has_its_own_etag(self, published: Disclosure) -> None:
        chinese = Client().get(page(published))
        english = Client().get(page(published), HTTP_ACCEPT_LANGUAGE="en")
        assert chinese["ETag"] != english["ETag"]
        assert "Accept-Language" in chinese["Vary"]

    def test_the_page_is_small(self, published: Disclosure) -> None:
        from django.contrib.staticfiles import finders

        html = Client().get(page(published)).content
        css_path = finders.find("disclosures/gongkai.css")
        assert css_path is not None
        with open(css_path, "rb") as css:
            assert len(html) + len(css.read()) < 100_000

    def test_an_answer_changes_the_etag(
        self, personas: Personas, committees: Committees, published: Disclosure
    ) -> None:
        before = Client().get(page(published))["ETag"]
        q = actions.do_ask_question(published, text="电费为什么这么高？", actor=personas.resident)
        actions.do_answer_question(
            q, answer="十月开始供暖，活动室用电增加。", actor=personas.staff_a
        )
        response = Client().get(page(published))
        assert response["ETag"] != before
        html = response.content.decode()
        assert "乌**" in html and "电费为什么这么高？" in html and "十月开始供暖" in html
        assert "乌云" not in html


@pytest.mark.django_db
class TestQuestions:
    def logged_in(self, user: Any) -> Client:
        client = Client()
        login(client, user)
        return client

    def test_a_resident_of_the_community_asks_in_the_portal(
        self, personas: Personas, published: Disclosure
    ) -> None:
        client = self.logged_in(personas.resident)
        url = reverse("portal:disclosure_ask", args=[published.pk])
        response = client.post(url, {"text": "文体活动用品买了什么？"})
        assert response.status_code == 302
        assert published.questions.get().asker_display == "乌**"

    def test_a_resident_of_another_community_gets_404(
        self, personas: Personas, published: Disclosure
    ) -> None:
        from conftest import make_user

        outsider = make_user("outsider", "resident", COMMUNITY_B, full_name="王芳")
        url = reverse("portal:disclosure_ask", args=[published.pk])
        assert self.logged_in(outsider).get(url).status_code == 404

    def test_an_unanswered_question_is_not_shown_publicly(
        self, personas: Personas, published: Disclosure
    ) -> None:
        actions.do_ask_question(published, text="请问明细？", actor=personas.resident)
        html = Client().get(page(published)).content.decode()
        assert "请问明细？" not in html
        assert "另有 1 个提问等待答复" in html

    def test_the_portal_takes_a_resident_to_their_communitys_page(self, personas: Personas) -> None:
        response = self.logged_in(personas.resident).get(reverse("portal:disclosure"))
        assert response.status_code == 302
        assert response["Location"] == reverse("gongkai:community", args=[COMMUNITY_A])

    def test_a_visitor_finds_a_community_by_name(self, regions: None) -> None:
        html = Client().get(reverse("portal:disclosure"), {"q": "万佳"}).content.decode()
        assert reverse("gongkai:community", args=[COMMUNITY_A]) in html
