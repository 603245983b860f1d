"""The printable voter list per residents' group as an A4 PDF, from the public page once
published and from the console (issue 6: "publishes the list (public page and printable PDF
per residents' group)"; R2.3d). The PDF is read here without reportlab: its pages are
counted from the page objects and its text decoded from the compressed content streams."""

from __future__ import annotations

import base64
import re
import zlib
from typing import Any

import pytest
from django.test import Client

from conftest import Personas
from gongzhi.accounts.testing import client_for
from gongzhi.elections import pdf
from gongzhi.elections.models import Election
from gongzhi.elections.tests.conftest import published
from gongzhi.residents.models import Resident

pytestmark = pytest.mark.django_db

PAGE = re.compile(rb"/Type\s*/Page\b")
STREAM = re.compile(rb"(?<!end)stream\r?\n(.*?)endstream", re.DOTALL)
ESCAPES = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}


def literal_strings(content: bytes) -> list[bytes]:
    """The literal strings ``( … )`` of a PDF content stream, unescaped."""
    found: list[bytes] = []
    i = 0
    while (start := content.find(b"(", i)) != -1:
        out = bytearray()
        depth, i = 1, start + 1
        while i < len(content) and depth:
            byte = content[i]
            if byte == 0x5C:  # backslash
                following = content[i + 1]
                if 0x30 <= following <= 0x37:
                    digits = re.match(rb"[0-7]{1,3}", content[i + 1 : i + 4])
                    assert digits is not None
                    out.append(int(digits.group(), 8) & 0xFF)
                    i += 1 + len(digits.group())
                    continue
                out.append(ESCAPES.get(following, following))
                i += 2
                continue
            depth += byte == 0x28
            depth -= byte == 0x29
            if depth:
                out.append(byte)
            i += 1
        found.append(bytes(out))
    return found


def pdf_text(document: bytes) -> str:
    """Every string drawn in the document, decoded as the CID font's UTF-16BE."""
    texts = []
    for raw in STREAM.findall(document):
        data = raw.strip()
        if data.endswith(b"~>"):  # ASCII85 around the Flate data, as reportlab writes
            data = base64.a85decode(data, adobe=True)
        try:
            content = zlib.decompress(data)
        except zlib.error:
            continue
        for string in literal_strings(content):
            texts.append(string.decode("utf-16-be", errors="replace"))
    return "\n".join(texts)


def pages(document: bytes) -> int:
    return len(PAGE.findall(document))


def test_the_published_list_of_a_group_is_an_a4_pdf_with_its_header_rows_and_page_numbers(
    election: Election, world: Personas
) -> None:
    published(election, world.staff_a, count=12)
    response = Client().get(f"/xuanju/{election.pk}/voters.pdf?group=none")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    document = response.content
    assert document.startswith(b"%PDF-")
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in document  # A4
    assert pages(document) == 1
    text = pdf_text(document)
    assert all(f"选民{i:02d}" in text for i in range(12))
    assert election.committee.name in text and "2026年6月30日" in text
    assert "第 1 页 共 1 页" in text and "共 12 人" in text
    assert Resident.objects.get(name="选民00").id_number_masked not in text


def test_a_long_list_runs_to_as_many_pages_as_its_rows_need(
    election: Election, world: Personas, monkeypatch: Any
) -> None:
    published(election, world.staff_a, count=12)
    monkeypatch.setattr(pdf, "ROWS_PER_PAGE", 5)
    document = Client().get(f"/xuanju/{election.pk}/voters.pdf?group=none").content
    assert pages(document) == 3
    text = pdf_text(document)
    assert "第 3 页 共 3 页" in text
    rows = [line for line in text.splitlines() if line.startswith("选民")]
    assert len(rows) == 12
    assert rows.count("选民名单") == 0


def test_the_pdf_is_404_to_the_public_before_publication_and_to_staff_elsewhere(
    election: Election, world: Personas
) -> None:
    assert Client().get(f"/xuanju/{election.pk}/voters.pdf").status_code == 404
    console = f"/console/elections/{election.pk}/voters/pdf/?group=none"
    assert client_for(world.staff_b).get(console).status_code == 404
    published(election, world.staff_a, count=3)
    response = client_for(world.staff_a).get(console)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert "选民02" in pdf_text(response.content)
