"""Every step of the workflow from the console's forms: success redirects back with a
message, a refusal by the action shows its Chinese message beside the field and writes
nothing, a step the user may not take is 403 and a case outside the jurisdiction 404
(GB/T 30428 受理 → 派遣 → 处置 → 反馈 → 核查 → 结案; R4.3b escalation and supervision)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from conftest import COMMUNITY_A, COMMUNITY_B, TOWNSHIP, Personas
from gongzhi.accounts.testing import client_for
from gongzhi.cases import actions
from gongzhi.cases.enums import CaseStatus, Channel, ExtensionState
from gongzhi.cases.models import Attachment, Case, CaseEvent
from gongzhi.cases.tests.conftest import (
    closed_case,
    handling_case,
    submit,
    verifying_case,
)
from gongzhi.ledger.models import Event

pytestmark = pytest.mark.django_db


def post(client: Client, case: Case, action: str, files: Any = None, **fields: Any) -> Any:
    data = {f"{action}-{name}": value for name, value in fields.items()}
    if files:
        data.update(files)
    return client.post(reverse("cases:action", args=[case.pk, action]), data)


def written() -> tuple[int, int]:
    return CaseEvent.objects.count(), Event.objects.count()


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile("现场.png", buffer.getvalue(), content_type="image/png")


def refused(client: Client, case: Case, action: str, message: str, **fields: Any) -> None:
    """The step is refused with ``message`` on the case page, and nothing is written."""
    before, status = written(), Case.objects.get(pk=case.pk).status
    response = post(client, case, action, **fields)
    page = response.content.decode()
    assert response.status_code == 200, page[:500]
    assert message in page
    assert 'class="errorlist' in page or "message-error" in page
    assert written() == before
    assert Case.objects.get(pk=case.pk).status == status


def succeeds(
    client: Client, case: Case, action: str, message: str, files: Any = None, **fields: Any
) -> Case:
    response = post(client, case, action, files, **fields)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    page = client.get(response["Location"]).content.decode()
    assert message in page
    return Case.objects.get(pk=case.pk)


class TestAcceptAndRefuse:
    def test_accept(self, world: Personas) -> None:
        case = submit(world.resident)
        client = client_for(world.staff_a)
        refused(
            client, case, "accept", "受理意见不能超过 1000 个字", note="长" * 1001, urgency="normal"
        )
        case = succeeds(client, case, "accept", "已受理", note="", urgency="urgent")
        assert case.status == CaseStatus.PENDING_DISPATCH and case.urgency == "urgent"
        assert case.first_responsible == world.staff_a

    def test_refuse_needs_a_reason_the_resident_sees(self, world: Personas) -> None:
        case = submit(world.resident)
        client = client_for(world.staff_a)
        refused(client, case, "refuse", "请填写不予受理的理由", reason="")
        case = succeeds(client, case, "refuse", "已不予受理", reason="不属于本社区受理范围")
        assert case.status == CaseStatus.REFUSED and case.refusal_reason == "不属于本社区受理范围"

    def test_a_grid_worker_may_not_accept(self, world: Personas) -> None:
        case = submit(world.resident)
        response = post(client_for(world.grid_worker), case, "accept", urgency="normal")
        assert response.status_code == 403
        assert Case.objects.get(pk=case.pk).status == CaseStatus.SUBMITTED

    def test_another_community_gets_404(self, world: Personas) -> None:
        case = submit(world.resident)
        response = post(client_for(world.staff_b), case, "accept", urgency="normal")
        assert response.status_code == 404

    def test_an_unknown_step_is_404(self, world: Personas) -> None:
        case = submit(world.resident)
        assert post(client_for(world.staff_a), case, "explode").status_code == 404

    def test_a_step_not_open_now_is_explained(self, world: Personas) -> None:
        case = handling_case(world)
        refused(client_for(world.staff_a), case, "accept", "不能受理", urgency="normal")

    def test_get_is_not_allowed(self, world: Personas) -> None:
        case = submit(world.resident)
        url = reverse("cases:action", args=[case.pk, "accept"])
        assert client_for(world.staff_a).get(url).status_code == 405


class TestDispatchAndHandle:
    def test_dispatch(self, world: Personas) -> None:
        case = submit(world.resident)
        actions.do_accept_case(case, actor=world.staff_a)
        client = client_for(world.staff_a)
        refused(client, case, "dispatch", "请选择派遣的单位或承办人", region_code="")
        case = succeeds(
            client,
            case,
            "dispatch",
            "已派遣",
            region_code=COMMUNITY_A,
            assignee=world.grid_worker.pk,
            note="今天处理",
        )
        assert case.status == CaseStatus.HANDLING and case.assignee == world.grid_worker

    def test_dispatch_to_a_unit_outside_the_place_is_refused_by_the_form(
        self, world: Personas
    ) -> None:
        case = submit(world.resident)
        actions.do_accept_case(case, actor=world.staff_a)
        # Community B is not a choice for a case in community A.
        refused(
            client_for(world.staff_a),
            case,
            "dispatch",
            "选择一个有效的选项",
            region_code=COMMUNITY_B,
        )

    def test_feedback_with_evidence_photos(self, world: Personas) -> None:
        case = handling_case(world)
        client = client_for(world.staff_a)
        refused(client, case, "feedback", "请填写处置情况", note="")
        case = succeeds(
            client,
            case,
            "feedback",
            "已提交处置反馈",
            files={"feedback-photos": [png(), png()]},
            note="已清理完毕",
        )
        assert case.status == CaseStatus.PENDING_VERIFICATION
        step = case.events.get(action="feedback")
        assert list(Attachment.objects.filter(case=case).values_list("kind", "event")) == [
            ("evidence", step.pk),
            ("evidence", step.pk),
        ]
        page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
        assert page.count(reverse("cases:attachment", args=[0])[:-2]) >= 2

    def test_a_bad_photo_undoes_the_feedback(self, world: Personas) -> None:
        case = handling_case(world)
        before = written()
        bad = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
        response = post(
            client_for(world.staff_a),
            case,
            "feedback",
            files={"feedback-photos": [bad]},
            note="已清理",
        )
        assert response.status_code == 200
        assert "errorlist" in response.content.decode()
        assert written() == before
        assert Case.objects.get(pk=case.pk).status == CaseStatus.HANDLING
        assert not Attachment.objects.exists()


class TestVerify:
    def test_verify_and_close(self, world: Personas) -> None:
        case = verifying_case(world)
        client = client_for(world.street_staff)
        refused(client, case, "verify_close", "核查意见不能超过", note="长" * 1001)
        case = succeeds(client, case, "verify_close", "已核查结案", note="现场已清理")
        assert case.status == CaseStatus.CLOSED

    def test_rework(self, world: Personas) -> None:
        case = verifying_case(world)
        client = client_for(world.grid_worker)
        refused(client, case, "rework", "请填写返工理由", reason="")
        case = succeeds(client, case, "rework", "已退回返工", reason="垃圾仍未清走")
        assert case.status == CaseStatus.HANDLING and case.rework_count == 1


class TestEscalateDeferExtend:
    def test_escalate(self, world: Personas) -> None:
        case = submit(world.resident)
        client = client_for(world.staff_a)
        refused(client, case, "escalate", "请填写上报理由", reason="")
        case = succeeds(client, case, "escalate", "已上报上级", reason="涉及两个社区")
        assert case.assigned_region_code == TOWNSHIP

    def test_defer_and_resume(self, world: Personas) -> None:
        case = handling_case(world)
        client = client_for(world.street_staff)
        refused(client, case, "defer", "请填写挂账理由", reason="")
        case = succeeds(client, case, "defer", "已挂账", reason="等待年度预算")
        assert case.status == CaseStatus.DEFERRED
        refused(client, case, "resume", "说明不能超过", note="长" * 1001)
        case = succeeds(client, case, "resume", "已恢复办理", note="预算已到位")
        assert case.status == CaseStatus.HANDLING

    def test_request_and_approve_an_extension(self, world: Personas) -> None:
        case = handling_case(world)
        staff = client_for(world.staff_a)
        refused(
            staff,
            case,
            "request_extension",
            "延期时长须为 1 到",
            amount="",
            unit="days",
            reason="需协调",
        )
        case = succeeds(
            staff,
            case,
            "request_extension",
            "已提交延期申请",
            amount=3,
            unit="days",
            reason="需协调",
        )
        assert case.extension_state == ExtensionState.REQUESTED
        street = client_for(world.street_staff)
        refused(street, case, "approve_extension", "请填写审批意见", decision="reject", note="")
        old_due = case.due_at
        case = succeeds(street, case, "approve_extension", "已审批延期申请", decision="approve")
        assert case.extension_state == ExtensionState.APPROVED
        assert old_due is not None and case.due_at is not None and case.due_at > old_due

    def test_the_unit_itself_is_not_offered_the_approval(self, world: Personas) -> None:
        case = handling_case(world)
        actions.do_request_extension(case, actor=world.staff_a, amount=2, reason="需协调")
        response = post(client_for(world.staff_a), case, "approve_extension", decision="approve")
        assert response.status_code == 403


class TestMergeAndReopen:
    def test_merge_into_a_case_of_the_jurisdiction(self, world: Personas) -> None:
        first = submit(world.resident)
        duplicate = submit(world.resident, description="同一处垃圾")
        elsewhere = submit(world.staff_b, community=COMMUNITY_B, channel=Channel.HOTLINE)
        client = client_for(world.staff_a)
        refused(client, duplicate, "merge", "请填写要并入的办件编号", into="")
        refused(client, duplicate, "merge", "在您的辖区内没有编号为", into=elsewhere.number)
        refused(client, duplicate, "merge", "不能并入本办件", into=duplicate.number)
        merged = succeeds(client, duplicate, "merge", "已并单", into=first.number)
        assert merged.status == CaseStatus.MERGED and merged.merged_into == first

    def test_the_agent_reopens_for_the_resident(self, world: Personas) -> None:
        case = closed_case(world)
        Case.objects.filter(pk=case.pk).update(agent=world.staff_a)
        client = client_for(world.staff_a)
        refused(client, case, "reopen", "请填写重新办理的理由", reason="")
        # The case closed on the fixed Monday, long past the 7-day window.
        refused(client, case, "reopen", "重新办理期限", reason="仍未解决")
        Case.objects.filter(pk=case.pk).update(closed_at=timezone.now())
        case = succeeds(client, case, "reopen", "已申请重新办理", reason="仍未解决")
        assert case.status == CaseStatus.HANDLING and case.reopened_count == 1
