"""Attachments: checked by content, resized without metadata, all-or-nothing, served
only through a permission check (issue 4 "Attachments"; R3.6b photos with a report)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from conftest import Personas
from gongzhi.accounts.testing import client_for
from gongzhi.cases import attachments
from gongzhi.cases.attachments import attachments_for, check_files, do_attach_files
from gongzhi.cases.models import Attachment, Case
from gongzhi.cases.tests.conftest import submit
from gongzhi.ledger.models import Event, EventType

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def image_bytes(
    fmt: str = "JPEG",
    size: tuple[int, int] = (400, 300),
    *,
    exif: Image.Exif | None = None,
    colour: str = "green",
) -> bytes:
    out = io.BytesIO()
    mode = "RGBA" if fmt == "PNG" else "RGB"
    image = Image.new(mode, size, colour)
    params: dict[str, Any] = {}
    if exif is not None:
        params["exif"] = exif
    image.save(out, fmt, **params)
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def phone_exif() -> Image.Exif:
    """EXIF as a phone writes it: rotated a quarter turn, with a GPS position."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # stored sideways; display rotated 90° clockwise
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (46.0, 4.0, 30.0), 3: "E", 4: (122.0, 3.0, 0.0)})
    return exif


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


@pytest.fixture
def case(world: Personas) -> Case:
    return submit(world.resident)


@pytest.mark.django_db
class TestAcceptedImages:
    def test_a_large_phone_photo_is_stored_upright_small_and_without_exif(
        self, world: Personas, case: Case, media: Path
    ) -> None:
        photo = image_bytes("JPEG", (4000, 3000), exif=phone_exif())
        [saved] = do_attach_files(case, [upload("IMG_0001.JPG", photo)], actor=world.resident)
        assert (saved.width, saved.height) == (1200, 1600)  # turned upright, longest side 1600
        assert saved.content_type == "image/jpeg"
        assert saved.original_name == "IMG_0001.JPG"
        assert saved.uploaded_by == world.resident
        stored_name = str(saved.file.name)
        assert stored_name.startswith("cases/") and "IMG_0001" not in stored_name
        with Image.open(saved.file.path) as stored:
            assert stored.size == (1200, 1600)
            exif = stored.getexif()
            assert not exif.get_ifd(GPS_IFD)
            assert ORIENTATION not in exif and 0x010F not in exif
        assert saved.size == Path(saved.file.path).stat().st_size
        assert stored_files(media) == [Path(saved.file.path)]

    def test_a_png_and_a_webp_are_accepted_by_content(self, world: Personas, case: Case) -> None:
        files = [
            upload("plan.png", image_bytes("PNG", (2400, 800)), "image/png"),
            # A wrong suffix does not matter: the content decides.
            upload("photo.jpg", image_bytes("WEBP", (200, 100)), "image/jpeg"),
        ]
        png, webp = do_attach_files(case, files, actor=world.resident)
        assert (png.content_type, png.width, png.height) == ("image/png", 1600, 533)
        assert str(png.file.name).endswith(".png")
        assert (webp.content_type, webp.width, webp.height) == ("image/webp", 200, 100)
        assert str(webp.file.name).endswith(".webp")

    def test_the_upload_is_in_the_ledger_without_file_names(
        self, world: Personas, case: Case
    ) -> None:
        [saved] = do_attach_files(
            case, [upload("乌云家门口.jpg", image_bytes())], actor=world.resident
        )
        event = Event.objects.filter(type=EventType.CASE_FILES_ATTACHED).get()
        assert event.summary["number"] == case.number
        assert event.summary["attachments"] == [saved.pk]
        assert "乌云" not in str(event.summary)

    def test_long_names_are_trimmed_and_folders_dropped(self, world: Personas, case: Case) -> None:
        name = "C:\\Users\\wy\\" + "很长的名字" * 40 + ".jpg"
        [saved] = do_attach_files(case, [upload(name, image_bytes())], actor=world.resident)
        assert len(saved.original_name) <= 100
        assert saved.original_name.endswith(".jpg")
        assert "Users" not in saved.original_name


@pytest.mark.django_db
class TestRefusals:
    def assert_nothing_written(self, case: Case, media: Path) -> None:
        assert not Attachment.objects.filter(case=case).exists()
        assert stored_files(media) == []
        assert not Event.objects.filter(type=EventType.CASE_FILES_ATTACHED).exists()

    def test_a_jpg_that_is_really_text_refuses_the_whole_batch(
        self, world: Personas, case: Case, media: Path
    ) -> None:
        files = [
            upload("good.jpg", image_bytes()),
            upload("发票.jpg", "这不是图片，是一段文字".encode()),
        ]
        with pytest.raises(ValidationError) as refused:
            do_attach_files(case, files, actor=world.resident)
        [message] = refused.value.message_dict["photos"]
        assert "“发票.jpg”不是图片或已损坏" in message
        self.assert_nothing_written(case, media)

    def test_an_image_of_another_format_is_refused(
        self, world: Personas, case: Case, media: Path
    ) -> None:
        with pytest.raises(ValidationError) as refused:
            do_attach_files(
                case, [upload("scan.jpg", image_bytes("GIF"), "image/gif")], actor=world.resident
            )
        assert "“scan.jpg”是 GIF 格式" in refused.value.message_dict["photos"][0]
        self.assert_nothing_written(case, media)

    def test_an_oversized_file_is_refused_naming_the_file(
        self, world: Personas, case: Case, media: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(attachments, "MAX_BYTES", 1024 * 1024)
        noisy = Image.effect_noise((1200, 1200), 64).convert("RGB")
        out = io.BytesIO()
        noisy.save(out, "PNG")
        assert len(out.getvalue()) > 1024 * 1024
        with pytest.raises(ValidationError) as refused:
            do_attach_files(case, [upload("big.png", out.getvalue())], actor=world.resident)
        assert refused.value.message_dict["photos"] == ["“big.png”超过 1 MB，请压缩后再上传"]
        self.assert_nothing_written(case, media)

    def test_the_default_limit_is_ten_megabytes(self) -> None:
        assert attachments.MAX_BYTES == 10 * 1024 * 1024
        assert attachments.MAX_FILES == 9

    def test_a_broken_image_is_refused(self, world: Personas, case: Case, media: Path) -> None:
        truncated = image_bytes("PNG", (500, 500))[:200]
        with pytest.raises(ValidationError) as refused:
            do_attach_files(case, [upload("half.png", truncated)], actor=world.resident)
        assert "“half.png”不是图片或已损坏" in refused.value.message_dict["photos"][0]
        self.assert_nothing_written(case, media)

    def test_a_decompression_bomb_is_refused(
        self, world: Personas, case: Case, media: Path
    ) -> None:
        bomb = image_bytes("PNG", (9000, 9000), colour="white")  # 81 MP, a few KB
        with pytest.raises(ValidationError) as refused:
            do_attach_files(case, [upload("bomb.png", bomb)], actor=world.resident)
        assert "“bomb.png”像素过多" in refused.value.message_dict["photos"][0]
        self.assert_nothing_written(case, media)

    def test_more_than_nine_images_on_one_case_are_refused(
        self, world: Personas, case: Case, media: Path
    ) -> None:
        do_attach_files(
            case, [upload(f"{i}.jpg", image_bytes()) for i in range(7)], actor=world.resident
        )
        before = stored_files(media)
        with pytest.raises(ValidationError) as refused:
            do_attach_files(
                case, [upload(f"x{i}.jpg", image_bytes()) for i in range(3)], actor=world.resident
            )
        assert refused.value.message_dict["photos"] == [
            "每个办件最多上传 9 张图片，已有 7 张，本次选择了 3 张"
        ]
        assert Attachment.objects.filter(case=case).count() == 7
        assert stored_files(media) == before

    def test_check_files_writes_nothing(self, media: Path) -> None:
        prepared = check_files([upload("a.jpg", image_bytes("JPEG", (3200, 100)))])
        assert (prepared[0].width, prepared[0].height) == (1600, 50)
        assert stored_files(media) == []

    def test_a_stranger_may_not_attach_to_someone_elses_case(
        self, world: Personas, case: Case, media: Path
    ) -> None:
        with pytest.raises(PermissionDenied):
            do_attach_files(case, [upload("a.jpg", image_bytes())], actor=world.staff_b)
        self.assert_nothing_written(case, media)

    def test_staff_of_the_unit_may_attach_evidence(self, world: Personas, case: Case) -> None:
        [saved] = do_attach_files(
            case, [upload("done.jpg", image_bytes())], actor=world.staff_a, kind="evidence"
        )
        assert saved.kind == "evidence"


@pytest.mark.django_db
class TestServing:
    @pytest.fixture
    def saved(self, world: Personas, case: Case) -> Attachment:
        return do_attach_files(case, [upload("a.jpg", image_bytes())], actor=world.resident)[0]

    def url(self, saved: Attachment) -> str:
        return reverse("cases:attachment", args=[saved.pk])

    def test_the_reporter_sees_the_image(self, world: Personas, saved: Attachment) -> None:
        response = client_for(world.resident).get(self.url(saved))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "private" in response["Cache-Control"]
        assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"  # type: ignore[attr-defined]

    def test_staff_in_the_jurisdiction_see_it(self, world: Personas, saved: Attachment) -> None:
        assert client_for(world.staff_a).get(self.url(saved)).status_code == 200
        assert client_for(world.street_staff).get(self.url(saved)).status_code == 200

    def test_staff_elsewhere_get_404(self, world: Personas, saved: Attachment) -> None:
        assert client_for(world.staff_b).get(self.url(saved)).status_code == 404

    def test_another_resident_gets_404(self, world: Personas, saved: Attachment) -> None:
        from conftest import COMMUNITY_A, make_user

        neighbour = make_user("neighbour", "resident", COMMUNITY_A)
        assert client_for(neighbour).get(self.url(saved)).status_code == 404
        assert list(attachments_for(neighbour, saved.case)) == []
        assert list(attachments_for(world.resident, saved.case)) == [saved]

    def test_a_visitor_is_sent_to_log_in(self, saved: Attachment) -> None:
        from django.test import Client

        assert Client().get(self.url(saved)).status_code == 302

    def test_there_is_no_public_media_url(self, saved: Attachment) -> None:
        from django.test import Client

        response = Client().get(f"/media/{saved.file.name}")
        assert response.status_code == 404
