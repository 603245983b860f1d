"""Images attached to cases: the reporter's photos and the unit's evidence (处置凭证).

Every file is checked by its content, never by its name: Pillow must recognise it as a
JPEG, PNG or WebP image and ``verify`` it. If one file of a batch is bad, the whole
batch is refused with a Chinese message naming the file and the reason, and nothing is
written. A good image is decoded, turned upright by its EXIF orientation, shrunk to
at most ``MAX_SIDE`` pixels on its longest side and encoded anew, so the stored copy
carries no EXIF block — no GPS position, camera serial or time a resident did not mean
to share. Files live under ``MEDIA_ROOT`` with random names (outside the database) and
are served only through ``cases:attachment`` after the case's view permission.

``check_files`` validates without writing (forms call it to show every error at once);
``do_attach_files`` is the action; ``attachments_for`` the scoped read.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from gongzhi.accounts.models import User
from gongzhi.cases.enums import AttachmentKind
from gongzhi.cases.models import Attachment, Case, CaseEvent
from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import EventType

# Largest upload in bytes and most images on one case: settings, so a deployment can
# change them (config/settings.py explains the defaults: 10 MB, nine images).
MAX_BYTES: int = settings.CASE_ATTACHMENT_MAX_BYTES
MAX_FILES: int = settings.CASE_ATTACHMENT_MAX_FILES
# Longest side of the stored copy: sharp on any phone and on a 1080p screen, ~300 KB.
MAX_SIDE = 1600
# A decompression-bomb guard: a 48-megapixel phone camera passes, a crafted
# 20000 × 20000 PNG of a few kilobytes does not (it would need 1.2 GB to decode).
MAX_PIXELS = 60_000_000
JPEG_QUALITY = 85
# Pillow's format name → (MIME type, file suffix). Checked against the decoded content.
ALLOWED_TYPES: dict[str, tuple[str, str]] = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "WEBP": ("image/webp", ".webp"),
}
NAME_MAX_LENGTH = 100
FIELD = "photos"

__all__ = [
    "ALLOWED_TYPES",
    "MAX_BYTES",
    "MAX_FILES",
    "MAX_SIDE",
    "PreparedImage",
    "attachments_by_event",
    "attachments_for",
    "check_files",
    "do_attach_files",
]


@dataclass(frozen=True)
class PreparedImage:
    """One checked image, re-encoded and ready to store."""

    original_name: str
    content: bytes
    content_type: str
    suffix: str
    width: int
    height: int


def _display_name(upload: Any, position: int) -> str:
    """The name the uploader gave the file, without folders or control characters,
    trimmed to fit; "第 n 个文件" when it has none."""
    raw = str(getattr(upload, "name", "") or "")
    raw = re.split(r"[\\/]", raw)[-1]
    cleaned = "".join(ch for ch in raw if unicodedata.category(ch)[0] != "C")
    cleaned = " ".join(cleaned.split())
    if len(cleaned) > NAME_MAX_LENGTH:
        stem, dot, suffix = cleaned.rpartition(".")
        if dot and 0 < len(suffix) <= 10:
            cleaned = f"{stem[: NAME_MAX_LENGTH - len(suffix) - 2]}….{suffix}"
        else:
            cleaned = cleaned[: NAME_MAX_LENGTH - 1] + "…"
    return cleaned or _("第 %(n)d 个文件") % {"n": position}


def _read(upload: Any) -> bytes:
    """At most ``MAX_BYTES + 1`` bytes of the upload, from its start."""
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    return data if isinstance(data, bytes) else bytes(data)


def _encode(image: Image.Image, fmt: str) -> bytes:
    """The image in ``fmt`` with no metadata: Pillow writes EXIF only when asked."""
    out = io.BytesIO()
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    elif fmt == "WEBP":
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        image.save(out, "WEBP", quality=JPEG_QUALITY)
    else:
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16"):
            image = image.convert("RGBA")
        image.save(out, "PNG")
    return out.getvalue()


def _prepare(upload: Any, position: int) -> PreparedImage | str:
    """The checked, re-encoded image, or the reason (in Chinese) it is refused."""
    name = _display_name(upload, position)
    limit_mb = MAX_BYTES / (1024 * 1024)
    too_big = _("“%(name)s”超过 %(mb)g MB，请压缩后再上传") % {"name": name, "mb": limit_mb}
    declared = getattr(upload, "size", None)
    if isinstance(declared, int) and declared > MAX_BYTES:
        return too_big
    data = _read(upload)
    if len(data) > MAX_BYTES:
        return too_big
    if not data:
        return _("“%(name)s”是空文件") % {"name": name}
    not_image = _("“%(name)s”不是图片或已损坏，只能上传 JPEG、PNG 或 WebP 格式的图片") % {
        "name": name
    }
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                fmt = str(probe.format or "")
                width, height = probe.size
                probe.verify()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        return _("“%(name)s”像素过多，请缩小后再上传") % {"name": name}
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        return not_image
    if fmt not in ALLOWED_TYPES:
        return _("“%(name)s”是 %(format)s 格式，只能上传 JPEG、PNG 或 WebP 格式的图片") % {
            "name": name,
            "format": fmt or _("未知"),
        }
    if width * height > MAX_PIXELS:
        return _("“%(name)s”像素过多，请缩小后再上传") % {"name": name}
    try:
        with Image.open(io.BytesIO(data)) as image:
            if fmt == "JPEG":
                # Decode a JPEG at a reduced scale straight away: a 48-megapixel photo
                # then needs a few megabytes of memory, not 150.
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))
            image.load()
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
            content = _encode(upright, fmt)
            width, height = upright.size
    except (OSError, ValueError, SyntaxError, EOFError):
        return not_image
    content_type, suffix = ALLOWED_TYPES[fmt]
    return PreparedImage(name, content, content_type, suffix, width, height)


def check_files(files: Sequence[Any], *, existing: int = 0) -> list[PreparedImage]:
    """Check every file and prepare it for storage; writes nothing.

    Raises ``ValidationError({"photos": [...]})`` with one message per bad file (and
    one when the case would hold more than ``MAX_FILES`` images).
    """
    problems: list[str] = []
    if existing + len(files) > MAX_FILES:
        problems.append(
            _("每个办件最多上传 %(max)d 张图片，已有 %(have)d 张，本次选择了 %(new)d 张")
            % {"max": MAX_FILES, "have": existing, "new": len(files)}
            if existing
            else _("每个办件最多上传 %(max)d 张图片，本次选择了 %(new)d 张")
            % {"max": MAX_FILES, "new": len(files)}
        )
        raise ValidationError({FIELD: problems})
    prepared: list[PreparedImage] = []
    for position, upload in enumerate(files, start=1):
        result = _prepare(upload, position)
        if isinstance(result, str):
            problems.append(result)
        else:
            prepared.append(result)
    if problems:
        raise ValidationError({FIELD: problems})
    return prepared


@transaction.atomic
def do_attach_files(
    case: Case,
    files: Sequence[Any],
    *,
    actor: User | None,
    kind: str = AttachmentKind.PHOTO,
    event: CaseEvent | None = None,
    request: HttpRequest | None = None,
) -> list[Attachment]:
    """上传附件 — check every file, refuse all if one is bad, store the re-encoded images
    under ``MEDIA_ROOT`` and record one ledger event.

    Locks the case row so two uploads at once cannot pass the per-case limit together.
    Nothing is written before every file has passed; if storing fails half-way, the
    files already written are removed and the transaction rolls back.
    """
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if actor is not None and not actor.has_perm("cases.attach_file", locked):
        raise PermissionDenied(_("您没有权限执行此操作"))
    errors: dict[str, list[str]] = {}
    if kind not in AttachmentKind.values:
        errors["kind"] = [_("附件类别无效")]
    if event is not None and event.case_id != locked.pk:
        errors["event"] = [_("办件记录不属于本办件")]
    if not files:
        errors[FIELD] = [_("请选择要上传的图片")]
    if errors:
        raise ValidationError(errors)
    existing = Attachment.objects.filter(case=locked).count()
    prepared = check_files(files, existing=existing)

    stored: list[Attachment] = []
    try:
        for image in prepared:
            attachment = Attachment(
                case=locked,
                event=event,
                kind=kind,
                original_name=image.original_name,
                content_type=image.content_type,
                size=len(image.content),
                width=image.width,
                height=image.height,
                uploaded_by=actor if actor is not None and actor.is_authenticated else None,
            )
            attachment.file.save(f"upload{image.suffix}", ContentFile(image.content), save=False)
            stored.append(attachment)
            attachment.save()
        record_event(
            EventType.CASE_FILES_ATTACHED,
            actor=actor,
            obj=locked,
            summary={
                "number": locked.number,
                "kind": kind,
                "count": len(stored),
                "attachments": [a.pk for a in stored],
            },
            request=request,
        )
    except BaseException:
        for attachment in stored:
            attachment.file.delete(save=False)
        raise
    return stored


def attachments_for(user: Any, case: Case) -> QuerySet[Attachment]:
    """The case's attachments, oldest first, for someone who may see the case (its
    reporter, staff in its jurisdiction…: the ``cases.view_case`` rule); none otherwise."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm("cases.view_case", case):
        return Attachment.objects.none()
    return Attachment.objects.filter(case=case).order_by("id")


def attachments_by_event(attachments: Sequence[Attachment]) -> dict[int | None, list[Attachment]]:
    """Attachments grouped by the timeline step they belong to (``None``: no step)."""
    grouped: dict[int | None, list[Attachment]] = {}
    for attachment in attachments:
        grouped.setdefault(attachment.event_id, []).append(attachment)
    return grouped
