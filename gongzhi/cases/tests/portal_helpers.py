"""Helpers of the portal case-page tests: a linked registry record, images, clients."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gongzhi.residents.models import Resident
from gongzhi.residents.tests.helpers import household_in, resident_in


def link_record(user: Any, community: str, **extra: Any) -> Resident:
    """A registry record in ``community`` linked to ``user`` (Resident.user)."""
    record = resident_in(household_in(community), **extra)
    Resident.objects.filter(pk=record.pk).update(user=user)
    record.refresh_from_db()
    return record


def jpeg(name: str = "photo.jpg", size: tuple[int, int] = (2000, 1500)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, "navy").save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def text_as_jpeg(name: str = "fake.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "只是一段文字".encode(), content_type="image/jpeg")
