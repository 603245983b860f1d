"""The import pages: template, upload → background task → result, the private error file."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.urls import reverse

from conftest import COMMUNITY_B
from gongzhi.accounts.testing import client_for
from gongzhi.residents.importing import COLUMNS, REQUIRED_COLUMNS
from gongzhi.residents.models import Resident
from gongzhi.residents.tests.test_import import household_rows, row, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_var_dir(settings: Any, tmp_path: Path) -> None:
    """Error files and uploads go to the test's own directory, not ``var/``."""
    settings.VAR_DIR = tmp_path / "var"


def streamed(response: Any) -> bytes:
    """The body of a streaming or file response."""
    return b"".join(response.streaming_content)


def upload(client: Any, path: Path, **extra: Any) -> Any:
    with path.open("rb") as handle:
        return client.post(reverse("residents:import"), {"file": handle, **extra})


class TestImportPages:
    def test_the_template_has_the_exact_headers_and_an_example(self, personas: Any) -> None:
        response = client_for(personas.staff_a).get(reverse("residents:import_template"))
        assert response.status_code == 200
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        sheet = workbook.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        assert list(rows[0]) == list(COLUMNS)
        assert set(REQUIRED_COLUMNS) <= set(rows[0])
        assert rows[1][0] and len(rows) == 2
        assert len(workbook.worksheets) == 2  # the notes

    def test_an_upload_runs_and_shows_the_counts_and_the_error_file(
        self, personas: Any, tmp_path: Path
    ) -> None:
        client = client_for(personas.staff_a)
        rows = [*household_rows(), row(户号="B", 所在区划代码=COMMUNITY_B)]
        response = upload(client, write_csv(tmp_path / "a.csv", rows))
        assert response.status_code == 302
        progress_url = response["Location"]
        page = client.get(progress_url)
        assert page.status_code == 200
        pk = int(progress_url.rstrip("/").split("/")[-1])
        result = client.get(reverse("residents:import_result", args=[pk]))
        text = result.content.decode()
        assert "导入结果" in text and ">3<" in text and ">1<" in text
        assert Resident.objects.count() == 3
        errors = client.get(reverse("residents:import_errors", args=[pk]))
        assert errors.status_code == 200
        body = streamed(errors).decode("utf-8-sig")
        assert "错误原因" in body and "不在您的辖区内" in body
        # Someone else's import — even a colleague's — is not theirs to see.
        other = client_for(personas.street_staff)
        assert other.get(reverse("residents:import_result", args=[pk])).status_code == 404
        assert other.get(reverse("residents:import_errors", args=[pk])).status_code == 404

    def test_a_bad_file_fails_the_task_with_its_message(
        self, personas: Any, tmp_path: Path
    ) -> None:
        client = client_for(personas.staff_a)
        path = tmp_path / "bad.csv"
        path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
        response = upload(client, path)
        page = client.get(response["Location"])
        assert "表头缺少必填列" in page.content.decode()
        assert not Resident.objects.exists()

    def test_a_dry_run_from_the_page_writes_nothing(self, personas: Any, tmp_path: Path) -> None:
        client = client_for(personas.staff_a)
        response = upload(client, write_csv(tmp_path / "a.csv", household_rows()), dry_run="on")
        assert response.status_code == 302
        assert not Resident.objects.exists()

    def test_the_page_refuses_other_file_types_and_non_keepers(
        self, personas: Any, tmp_path: Path
    ) -> None:
        path = tmp_path / "a.txt"
        path.write_text("x", encoding="utf-8")
        response = upload(client_for(personas.staff_a), path)
        assert response.status_code == 200
        assert "文件须为 .xlsx 或 .csv 格式" in response.content.decode()
        assert client_for(personas.system_admin).get(reverse("residents:import")).status_code == 403
