"""Exporting the audit log: the same scope and filter as the list, and itself an event."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import COMMUNITY_A, COUNTY, OTHER_COUNTY, make_user
from gongzhi.accounts.testing import client_for
from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import Event, EventType, Outcome

pytestmark = pytest.mark.django_db


def export_url(fmt: str) -> str:
    return reverse("ledger:event_export", args=[fmt])


def csv_rows(response: Any) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def last_event() -> Event:
    event = Event.objects.order_by("-seq").first()
    assert event is not None
    return event


@pytest.fixture
def events(personas: Any) -> dict[str, Event]:
    return {
        "inside": record_event(
            EventType.GRID_SAVED, region_code=COMMUNITY_A, summary={"name": "一网格"}
        ),
        "outside": record_event(
            EventType.GRID_SAVED, region_code=OTHER_COUNTY, summary={"name": "外旗"}
        ),
        "unplaced": record_event(
            EventType.LOGIN_FAILED,
            outcome=Outcome.FAILED,
            object_type="accounts.user",
            object_id='=HYPERLINK("http://evil")',
            summary={"username": "=cmd|' /C calc'!A0"},
        ),
    }


class TestCsvExport:
    def test_it_exports_the_filtered_events_and_records_the_export(
        self, personas: Any, events: Any
    ) -> None:
        client = client_for(personas.audit_admin)
        response = client.get(export_url("csv"), {"type": str(EventType.GRID_SAVED.value)})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        rows = csv_rows(response)
        assert [int(row["序号"]) for row in rows] == [events["inside"].seq, events["outside"].seq]
        assert rows[0]["本条哈希"] == events["inside"].hash
        exported = last_event()
        assert exported.type == EventType.LEDGER_EXPORTED
        assert exported.actor_username == "audit_admin"
        assert exported.summary["format"] == "csv"
        assert exported.summary["filter"] == {"type": EventType.GRID_SAVED.value}
        assert exported.summary["through_seq"] == exported.seq - 1

    def test_it_respects_the_exporters_jurisdiction(self, personas: Any, events: Any) -> None:
        auditor = make_user("county_auditor", "audit_admin", COUNTY)
        response = client_for(auditor).get(export_url("csv"))
        exported = {int(row["序号"]) for row in csv_rows(response)}
        assert events["inside"].seq in exported
        assert events["outside"].seq not in exported and events["unplaced"].seq not in exported
        assert all(
            row["辖区编码"].startswith(COUNTY)
            for row in csv_rows(client_for(auditor).get(export_url("csv")))
        )
        assert last_event().summary["scope"] == COUNTY

    def test_it_writes_formulas_typed_by_an_attacker_as_plain_text(
        self, personas: Any, events: Any
    ) -> None:
        rows = csv_rows(
            client_for(personas.audit_admin).get(export_url("csv"), {"outcome": "failed"})
        )
        assert [row["对象标识"] for row in rows] == ['\'=HYPERLINK("http://evil")']

    def test_an_invalid_filter_exports_nothing_and_records_nothing(
        self, personas: Any, events: Any
    ) -> None:
        auditor = make_user("county_auditor", "audit_admin", COUNTY)
        before = last_event().seq
        response = client_for(auditor).get(export_url("csv"), {"region": OTHER_COUNTY})
        assert response.status_code == 400
        assert last_event().seq == before

    def test_an_unknown_format_is_not_found(self, personas: Any) -> None:
        assert client_for(personas.audit_admin).get(export_url("pdf")).status_code == 404


class TestXlsxExport:
    def test_it_exports_a_workbook_with_the_same_rows(self, personas: Any, events: Any) -> None:
        response = client_for(personas.audit_admin).get(export_url("xlsx"), {"type": "area:1"})
        assert response.status_code == 200
        content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        workbook = load_workbook(io.BytesIO(content), read_only=True)
        sheet = workbook.worksheets[0]
        cells = list(sheet.iter_rows())
        rows = [tuple(cell.value for cell in row) for row in cells]
        header, body = rows[0], rows[1:]
        assert header[0] == "序号" and header[-1] == "本条哈希"
        position = [row[0] for row in rows].index(events["unplaced"].seq)
        attack = cells[position][header.index("对象标识")]
        assert attack.value == '=HYPERLINK("http://evil")'
        assert attack.data_type == "s"  # stored as text, not as a formula
        assert all(row[header.index("事件类型编号")] // 1000 == 1 for row in body)
        assert last_event().summary == {
            "format": "xlsx",
            "filter": {"area": 1},
            "scope": "1522",
            "through_seq": last_event().seq - 1,
        }
