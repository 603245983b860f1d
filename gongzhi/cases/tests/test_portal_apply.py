"""一号申请 in the portal (R3.6b): one form per category, typed extra fields, place,
photos; clear Chinese errors per field and nothing half-written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import COMMUNITY_A, COMMUNITY_B, Personas, make_user
from gongzhi.accounts.testing import client_for
from gongzhi.cases.enums import CaseAction, Channel
from gongzhi.cases.models import Attachment, Case, CaseEvent
from gongzhi.cases.tests.portal_helpers import jpeg, link_record, text_as_jpeg
from gongzhi.console.tests.a11y import assert_accessible
from gongzhi.residents.tests.helpers import household_in, resident_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def files_in(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def url(code: str = "residence-certificate") -> str:
    return reverse("portal:apply", args=[code])


def post(client: Client, code: str = "residence-certificate", **data: Any) -> Any:
    form = {
        "description": "孩子上小学需要居住证明",
        "attr_purpose": "school",
        "community": COMMUNITY_A,
        "address": "万佳小区3号楼",
        "reporter_phone": "138 1234 5678",
        **data,
    }
    return client.post(url(code), {k: v for k, v in form.items() if v is not None})


class TestApplying:
    def test_a_resident_applies_and_gets_the_number_and_deadline(self, world: Personas) -> None:
        record = link_record(world.resident, COMMUNITY_B, name="乌云")
        client = client_for(world.resident)
        response = post(client, community=COMMUNITY_B)
        case = Case.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("portal:case_submitted", args=[case.pk])
        assert case.reporter == world.resident
        assert case.channel == Channel.PORTAL
        assert case.community.region_code == COMMUNITY_B  # the linked record's community
        assert case.resident == record
        assert case.attributes == {"purpose": "school"}
        assert case.reporter_phone_masked == "138****5678"
        receipt = client.get(response["Location"]).content.decode()
        assert case.number in receipt
        assert case.accept_by is not None
        assert case.accept_by.astimezone().strftime("%Y-%m-%d") in receipt
        assert "受理后 1 个工作日内办结" in receipt

    def test_the_form_defaults_to_the_linked_records_community(self, world: Personas) -> None:
        link_record(world.resident, COMMUNITY_B)
        html = client_for(world.resident).get(url()).content.decode()
        assert f'value="{COMMUNITY_B}" id="id_community_0" checked>' in html
        assert "红云社区居委会（和平街道）" in html

    def test_without_a_linked_record_the_accounts_community_is_the_default(
        self, world: Personas
    ) -> None:
        html = client_for(world.resident).get(url()).content.decode()
        assert f'value="{COMMUNITY_A}" id="id_community_0" checked>' in html

    def test_a_resident_can_search_another_community_by_name(self, world: Personas) -> None:
        client = client_for(world.resident)
        html = client.get(url(), {"community_q": "红云"}).content.decode()
        assert f'value="{COMMUNITY_B}"' in html
        response = client.post(
            url() + "?community_q=红云",
            {
                "description": "开证明",
                "attr_purpose": "job",
                "community": COMMUNITY_B,
                "reporter_phone": "13812345678",
            },
        )
        assert response.status_code == 302
        assert Case.objects.get().community.region_code == COMMUNITY_B

    def test_photos_are_attached_to_the_submission(self, world: Personas, media: Path) -> None:
        response = post(client_for(world.resident), photos=[jpeg("a.jpg"), jpeg("b.jpg")])
        assert response.status_code == 302
        case = Case.objects.get()
        photos = list(Attachment.objects.filter(case=case))
        assert len(photos) == 2
        submit = CaseEvent.objects.get(case=case, action=CaseAction.SUBMIT)
        assert {p.event_id for p in photos} == {submit.pk}
        assert max(photos[0].width, photos[0].height) == 1600
        assert len(files_in(media)) == 2

    def test_a_point_is_accepted_with_the_community(self, world: Personas) -> None:
        response = post(client_for(world.resident), lon="122.05", lat="46.08")
        assert response.status_code == 302
        case = Case.objects.get()
        assert (case.lon, case.lat) == (122.05, 46.08)

    def test_the_correction_form_is_prefilled_from_my_household(self, world: Personas) -> None:
        own = link_record(world.resident, COMMUNITY_A, name="乌云")
        husband = resident_in(own.household, name="张建国", relationship="配偶")
        stranger = resident_in(household_in(COMMUNITY_A), name="李邻居")
        client = client_for(world.resident)
        code = "resident-information-correction"
        html = client.get(
            url(code), {"member": str(husband.pk), "field": "出生日期"}
        ).content.decode()
        assert "申请更正张建国的居民登记信息。" in html
        assert 'value="出生日期"' in html
        html = client.get(url(code), {"member": own.pk}).content.decode()
        assert "申请更正本人的居民登记信息。" in html
        # Only the resident's own household: another family's record is not named.
        html = client.get(url(code), {"member": stranger.pk}).content.decode()
        assert "李邻居" not in html and "申请更正" not in html.split("<form", 2)[-1]

    def test_the_page_is_accessible(self, world: Personas) -> None:
        assert_accessible(client_for(world.resident).get(url()).content.decode())
        assert_accessible(
            client_for(world.resident).get(url("disability-subsidies")).content.decode()
        )


class TestRefusals:
    def assert_nothing_written(self, media: Path) -> None:
        assert not Case.objects.exists()
        assert not Attachment.objects.exists()
        assert files_in(media) == []

    def test_a_missing_required_attribute_is_named_in_chinese(
        self, world: Personas, media: Path
    ) -> None:
        response = post(client_for(world.resident), attr_purpose="")
        assert response.status_code == 200
        html = response.content.decode()
        assert html.count("请填写“证明用途”") == 1  # beside the field, not twice
        assert "提交没有成功" in html
        self.assert_nothing_written(media)

    def test_a_bad_number_is_refused(self, world: Personas, media: Path) -> None:
        response = post(
            client_for(world.resident),
            "minimum-living-allowance",
            attr_purpose=None,
            attr_household_size="三口人",
            attr_monthly_income="1200",
        )
        html = response.content.decode()
        assert "“共同生活家庭成员人数”须为数字" in html
        self.assert_nothing_written(media)

    def test_a_photo_that_is_not_an_image_refuses_the_application(
        self, world: Personas, media: Path
    ) -> None:
        response = post(
            client_for(world.resident), photos=[jpeg("good.jpg"), text_as_jpeg("门口.jpg")]
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "“门口.jpg”不是图片或已损坏" in html
        self.assert_nothing_written(media)

    def test_every_problem_is_shown_at_once(self, world: Personas, media: Path) -> None:
        response = post(
            client_for(world.resident),
            description="",
            attr_purpose="",
            reporter_phone="12",
            photos=[text_as_jpeg("x.jpg")],
        )
        html = response.content.decode()
        assert "请填写具体内容" in html
        assert "请填写“证明用途”" in html
        assert "联系电话须为 7–15 位数字" in html
        assert "“x.jpg”不是图片或已损坏" in html
        self.assert_nothing_written(media)

    def test_the_phone_is_required(self, world: Personas, media: Path) -> None:
        html = post(client_for(world.resident), reporter_phone="").content.decode()
        assert "请填写联系电话" in html
        self.assert_nothing_written(media)

    def test_a_point_outside_the_league_is_refused(self, world: Personas, media: Path) -> None:
        html = post(client_for(world.resident), lon="116.4", lat="39.9").content.decode()
        assert "标出的位置不在本盟范围内" in html
        self.assert_nothing_written(media)

    def test_grid_event_and_switched_off_categories_are_not_offered(self, world: Personas) -> None:
        from gongzhi.cases.models import Category

        client = client_for(world.resident)
        assert client.get(url("exposed-garbage")).status_code == 404
        Category.objects.filter(code="suggestion").update(is_active=False)
        assert client.get(url("suggestion")).status_code == 404
        assert client.get(url("no-such-thing")).status_code == 404

    def test_an_account_without_the_right_cannot_apply(self, world: Personas) -> None:
        admin = make_user("someone", "system_admin", "1522")
        response = client_for(admin).get(url())
        assert response.status_code == 403
