"""R2.3f: draft → submit → sign-off by the supervision committee → publish, each step a
ledger event; a published disclosure never changes and is corrected by a new version."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import Personas
from gongzhi.disclosures import actions
from gongzhi.disclosures.enums import Status
from gongzhi.disclosures.models import Disclosure, FinanceLine, ImmutableDisclosure
from gongzhi.disclosures.tests.conftest import Committees, draft_finances, publish
from gongzhi.ledger.models import Event, EventType


@pytest.mark.django_db
class TestWorkflow:
    def test_each_step_is_one_ledger_event(
        self, personas: Personas, committees: Committees
    ) -> None:
        before = Event.objects.count()
        d = draft_finances(personas.staff_a)
        publish(d, personas.staff_a, committees.supervisor)
        types = list(Event.objects.order_by("seq").values_list("type", flat=True))[before:]
        assert types == [
            EventType.DISCLOSURE_DRAFTED,
            EventType.DISCLOSURE_SUBMITTED,
            EventType.DISCLOSURE_SIGNED_OFF,
            EventType.DISCLOSURE_PUBLISHED,
        ]
        d.refresh_from_db()
        assert d.status == Status.PUBLISHED
        assert d.sign_offs.get().signer_name == "高娃"

    def test_it_cannot_be_published_before_sign_off(
        self, personas: Personas, committees: Committees
    ) -> None:
        d = draft_finances(personas.staff_a)
        actions.do_submit_disclosure(d, actor=personas.staff_a)
        with pytest.raises(ValidationError) as caught:
            actions.do_publish_disclosure(d, actor=personas.staff_a)
        assert caught.value.message_dict["status"] == ["须经监督委员会审核签字后才能公开"]

    def test_a_returned_disclosure_is_a_draft_again_with_the_reason(
        self, personas: Personas, committees: Committees
    ) -> None:
        d = draft_finances(personas.staff_a)
        actions.do_submit_disclosure(d, actor=personas.staff_a)
        actions.do_return_disclosure(d, reason="电费金额与票据不符", actor=committees.supervisor)
        d.refresh_from_db()
        assert (d.status, d.return_note) == (Status.DRAFT, "电费金额与票据不符")

    def test_a_non_finance_disclosure_needs_a_body_to_be_submitted(
        self, personas: Personas, committees: Committees
    ) -> None:
        d = draft_finances(personas.staff_a, category="other", lines=[])
        with pytest.raises(ValidationError) as caught:
            actions.do_submit_disclosure(d, actor=personas.staff_a)
        assert caught.value.message_dict["body"] == ["请填写正文后再提交审核"]


@pytest.mark.django_db
class TestImmutability:
    def test_a_published_disclosure_cannot_be_edited(
        self, personas: Personas, published: Disclosure
    ) -> None:
        with pytest.raises(ValidationError) as caught:
            actions.do_edit_disclosure(
                published,
                category=published.category,
                period_start=published.period_start,
                period_end=published.period_end,
                title="改过的标题",
                actor=personas.staff_a,
            )
        assert "已公开的事项请发布更正" in caught.value.message_dict["status"][0]

    def test_the_model_itself_refuses_to_change_a_published_row(
        self, published: Disclosure
    ) -> None:
        published.title = "悄悄修改"
        with pytest.raises(ImmutableDisclosure):
            published.save()
        with pytest.raises(ImmutableDisclosure):
            published.delete()
        line = published.lines.first()
        assert line is not None
        line.amount_fen = 1
        with pytest.raises(ImmutableDisclosure):
            line.save()
        assert FinanceLine.objects.get(pk=line.pk).amount_fen != 1

    def test_a_correction_is_a_new_version_and_both_stay_published(
        self, personas: Personas, committees: Committees, published: Disclosure
    ) -> None:
        correction = actions.do_draft_correction(
            published, note="电费金额录入有误", actor=personas.staff_a
        )
        assert (correction.version, correction.supersedes_id) == (2, published.pk)
        assert correction.lines.count() == 3
        actions.do_edit_disclosure(
            correction,
            category=correction.category,
            period_start=correction.period_start,
            period_end=correction.period_end,
            title=correction.title,
            lines=[
                {"item": "上级拨付办公经费", "direction": "income", "amount": "12000"},
                {"item": "党群服务中心电费", "direction": "expense", "amount": "1208.50"},
            ],
            actor=personas.staff_a,
        )
        publish(correction, personas.staff_a, committees.supervisor)
        published.refresh_from_db()
        assert published.status == Status.PUBLISHED
        assert published.lines.filter(amount_fen=128_050).exists()
        assert (
            Disclosure.objects.published().filter(pk__in=[published.pk, correction.pk]).count() == 2
        )

    def test_a_version_is_corrected_once(self, personas: Personas, published: Disclosure) -> None:
        actions.do_draft_correction(published, note="有误", actor=personas.staff_a)
        with pytest.raises(ValidationError):
            actions.do_draft_correction(published, note="再次更正", actor=personas.staff_a)


@pytest.mark.django_db
class TestSignOffPermission:
    def _submitted(self, personas: Personas) -> Disclosure:
        d = draft_finances(personas.staff_a)
        return actions.do_submit_disclosure(d, actor=personas.staff_a)

    @pytest.mark.parametrize("who", ["resident", "staff_a", "street_staff", "staff_b"])
    def test_anyone_not_on_the_committee_is_refused(
        self, personas: Personas, committees: Committees, who: str
    ) -> None:
        d = self._submitted(personas)
        with pytest.raises(PermissionDenied):
            actions.do_sign_off_disclosure(d, actor=getattr(personas, who))
        assert not d.sign_offs.exists()

    def test_a_residents_committee_member_on_the_supervision_committee_cannot_sign(
        self, personas: Personas, committees: Committees
    ) -> None:
        from gongzhi.disclosures.tests.conftest import member

        # 高娃 sat on the supervision committee first and was elected to the residents'
        # committee later: the directory checks the bar only when a supervision member is
        # added, so sign-off checks it again.
        member(committees.residents_committee, "高娃", committees.supervisor)
        d = self._submitted(personas)
        with pytest.raises(PermissionDenied) as caught:
            actions.do_sign_off_disclosure(d, actor=committees.supervisor)
        assert "居（村）民委员会成员不得担任监督委员会成员" in str(caught.value)

    def test_a_member_signs_once(self, personas: Personas, committees: Committees) -> None:
        from gongzhi.policy.models import PolicyVersion

        PolicyVersion.objects.create(
            key="disclosure.sign_offs.required",
            value=2,
            effective_from="2020-01-01",
            region_code="1522",
            source="测试",
        )
        d = self._submitted(personas)
        actions.do_sign_off_disclosure(d, actor=committees.supervisor)
        d.refresh_from_db()
        assert d.status == Status.SUBMITTED  # one of two
        with pytest.raises(ValidationError):
            actions.do_sign_off_disclosure(d, actor=committees.supervisor)
