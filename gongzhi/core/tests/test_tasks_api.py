"""GET /api/v1/tasks/… (one's own work only) and the ledger verification task."""

from __future__ import annotations

import pytest

from gongzhi.api.tests.test_auth_token import assert_error
from gongzhi.core import tasks as core_tasks
from gongzhi.core.models import ProgressStatus, TaskProgress
from gongzhi.core.progress import ProgressReporter, start_progress
from gongzhi.ledger.models import Event, EventType, LedgerHead, Outcome
from gongzhi.ledger.verify import Problem, VerifyResult


@pytest.mark.django_db
class TestTaskEndpoint:
    def test_it_shows_the_users_own_task(self, personas, api_as):
        progress = start_progress("residents.import", "导入居民", user=personas.staff_a, total=4)
        ProgressReporter(progress.pk, every=1).advance(1)

        response = api_as(personas.staff_a).get(f"/api/v1/tasks/{progress.pk}")

        assert response.status_code == 200
        body = response.json()
        assert body["id"] == progress.pk
        assert body["title"] == "导入居民"
        assert (body["status"], body["status_label"]) == ("queued", "排队中")
        assert (body["done"], body["total"], body["percent"]) == (1, 4, 25)
        assert body["finished"] is False
        assert body["page_url"] == f"/console/tasks/{progress.pk}/"

    @pytest.mark.parametrize("other", ["staff_b", "county_admin", "audit_admin"])
    def test_someone_elses_task_is_not_found(self, personas, api_as, other):
        progress = start_progress("residents.import", "导入居民", user=personas.staff_a)

        response = api_as(getattr(personas, other)).get(f"/api/v1/tasks/{progress.pk}")

        assert_error(response, 404, "not_found")

    def test_the_list_holds_only_the_users_own_tasks(self, personas, api_as):
        mine = [start_progress("k", f"任务{i}", user=personas.staff_a).pk for i in range(3)]
        start_progress("k", "别人的任务", user=personas.staff_b)

        page = api_as(personas.staff_a).get("/api/v1/tasks", limit=2).json()

        assert page["count"] == 3
        assert [item["id"] for item in page["items"]] == mine[::-1][:2]


@pytest.mark.django_db
class TestLedgerVerification:
    def test_the_audit_administrator_verifies_the_chain_in_the_background(self, personas, api_as):
        events_before = LedgerHead.objects.get(pk=1).last_seq

        response = api_as(personas.audit_admin).post("/api/v1/tasks/ledger-verification")

        assert response.status_code == 202, response.content
        body = response.json()
        progress = TaskProgress.objects.get(pk=body["id"])
        assert progress.user == personas.audit_admin
        assert progress.kind == "ledger.verify"
        assert progress.status == ProgressStatus.SUCCEEDED
        assert progress.total == progress.done >= events_before
        assert progress.result["ok"] is True
        assert progress.message.startswith("审计链完整")
        event = Event.objects.filter(type=EventType.LEDGER_VERIFIED).get()
        assert event.actor == personas.audit_admin
        assert event.outcome == Outcome.SUCCESS

    def test_a_broken_chain_fails_the_task_with_the_first_broken_event(self, personas, monkeypatch):
        broken = VerifyResult(
            count=41,
            last_seq=41,
            last_hash="0" * 64,
            head_seq=90,
            problem=Problem("altered", 42, "第 #42 条事件被篡改：内容与其哈希不符"),
        )
        monkeypatch.setattr(core_tasks, "verify_chain", lambda **kwargs: broken)

        progress = core_tasks.do_start_ledger_verification(actor=personas.audit_admin)

        assert progress.status == ProgressStatus.FAILED
        assert progress.error == "第 #42 条事件被篡改：内容与其哈希不符"
        event = Event.objects.filter(type=EventType.LEDGER_VERIFIED).get()
        assert event.outcome == Outcome.FAILED
        assert event.summary["problem"] == {"kind": "altered", "seq": 42}

    @pytest.mark.parametrize(
        "persona", ["staff_a", "county_admin", "system_admin", "security_admin"]
    )
    def test_only_the_audit_administrator_may_start_it(self, personas, api_as, persona):
        response = api_as(getattr(personas, persona)).post("/api/v1/tasks/ledger-verification")

        assert_error(response, 403, "permission_denied")
        assert not TaskProgress.objects.exists()
