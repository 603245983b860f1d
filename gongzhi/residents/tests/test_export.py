"""导出居民: masked by default, unmasked only with the permission and ledgered, scoped."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.urls import reverse

from conftest import COMMUNITY_A, COMMUNITY_B, COUNTY
from gongzhi.accounts.testing import client_for
from gongzhi.ledger.models import Event, EventType
from gongzhi.residents.importing import COLUMNS
from gongzhi.residents.tests.helpers import household_in, new_id, resident_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_var_dir(settings: Any, tmp_path: Path) -> None:
    """Error files and uploads go to the test's own directory, not ``var/``."""
    settings.VAR_DIR = tmp_path / "var"


def streamed(response: Any) -> bytes:
    """The body of a streaming or file response."""
    return b"".join(response.streaming_content)


@pytest.fixture
def people(personas: Any) -> dict[str, str]:
    a, b = new_id(), new_id()
    resident_in(household_in(COMMUNITY_A, number="HA"), name="甲", id_number=a, phone="13812345678")
    resident_in(household_in(COMMUNITY_B, number="HB"), name="乙", id_number=b)
    return {"a": a, "b": b}


def export_csv(client: Any, **params: str) -> list[dict[str, str]]:
    response = client.get(reverse("residents:export"), {"fmt": "csv", **params})
    assert response.status_code == 200, response.content[:500]
    text = streamed(response).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


class TestExport:
    def test_it_is_masked_by_default_and_writes_no_ledger_event(
        self, personas: Any, people: dict[str, str]
    ) -> None:
        before = Event.objects.filter(type=EventType.PII_UNMASKED).count()
        rows = export_csv(client_for(personas.staff_a))
        assert [r["姓名"] for r in rows] == ["甲"]
        assert rows[0]["证件号码"] != people["a"] and "*" in rows[0]["证件号码"]
        assert rows[0]["联系电话"] == "138****5678"
        assert list(rows[0]) == list(COLUMNS)
        assert Event.objects.filter(type=EventType.PII_UNMASKED).count() == before

    def test_unmasked_export_needs_the_permission_and_is_ledgered(
        self, personas: Any, people: dict[str, str]
    ) -> None:
        rows = export_csv(client_for(personas.staff_a), unmask="on")
        assert rows[0]["证件号码"] == people["a"]
        assert rows[0]["联系电话"] == "13812345678"
        event = Event.objects.filter(type=EventType.PII_UNMASKED).latest("pk")
        assert event.summary["export"] == {"count": 1, "scope": COMMUNITY_A, "format": "csv"}
        assert people["a"] not in str(event.summary)
        # A grid worker may not unmask: refused, nothing ledgered.
        count = Event.objects.filter(type=EventType.PII_UNMASKED).count()
        response = client_for(personas.grid_worker).get(
            reverse("residents:export"), {"fmt": "csv", "unmask": "on"}
        )
        assert response.status_code == 403
        assert Event.objects.filter(type=EventType.PII_UNMASKED).count() == count

    def test_a_county_exports_a_chosen_sub_region_only(
        self, personas: Any, people: dict[str, str]
    ) -> None:
        client = client_for(personas.county_admin)
        assert {r["姓名"] for r in export_csv(client)} == {"甲", "乙"}
        assert [r["姓名"] for r in export_csv(client, region=COMMUNITY_B)] == ["乙"]

    def test_a_region_outside_the_jurisdiction_is_refused(
        self, personas: Any, people: dict[str, str]
    ) -> None:
        response = client_for(personas.staff_a).get(
            reverse("residents:export"), {"fmt": "csv", "region": COUNTY}
        )
        assert response.status_code == 200
        assert "所选区划不在您的辖区内" in response.content.decode()

    def test_xlsx_export_has_the_import_headers(
        self, personas: Any, people: dict[str, str]
    ) -> None:
        response = client_for(personas.staff_a).get(reverse("residents:export"), {"fmt": "xlsx"})
        assert response.status_code == 200
        workbook = openpyxl.load_workbook(io.BytesIO(streamed(response)))
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))
        assert list(rows[0]) == list(COLUMNS)
        assert rows[1][0] == "甲"

    def test_the_form_page_renders(self, personas: Any) -> None:
        response = client_for(personas.staff_a).get(reverse("residents:export"))
        assert response.status_code == 200
        assert "导出居民" in response.content.decode()


class TestRoundTrip:
    def test_an_unmasked_export_imports_back_unchanged(
        self, personas: Any, people: dict[str, str], tmp_path: Any
    ) -> None:
        from gongzhi.residents.importing import do_import_residents

        response = client_for(personas.staff_a).get(
            reverse("residents:export"), {"fmt": "csv", "unmask": "on"}
        )
        path = tmp_path / "export.csv"
        path.write_bytes(streamed(response))
        summary = do_import_residents(path, actor=personas.staff_a)
        assert (summary.rows, summary.unchanged, summary.rejected) == (1, 1, 0)
