"""EncryptedTextField through a real table, on SQLite and on PostgreSQL (DESIGN rule 4).

The model lives in an isolated app registry; each test creates its table inside the test's
transaction (``table_sql``), so the rollback removes it again on both databases.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any, ClassVar
from unittest import mock

import pytest
from django.core import serializers
from django.core.exceptions import FieldError, ValidationError
from django.db import connection, models
from django.db.migrations.autodetector import MigrationAutodetector
from django.db.migrations.questioner import NonInteractiveMigrationQuestioner
from django.db.migrations.state import ModelState, ProjectState
from django.db.migrations.writer import MigrationWriter
from django.forms import modelform_factory
from django.template import engines
from django.test import override_settings
from django.test.utils import isolate_apps

from gongzhi.core import pii
from gongzhi.core.fields import EncryptedTextField
from gongzhi.core.pii import SealedValue

ID_NUMBER = "15220119800101123X"
PHONE = "13812345678"

with isolate_apps("gongzhi.core"):

    class Person(models.Model):
        name = models.CharField(max_length=50)
        id_number = EncryptedTextField("证件号码", purpose="test.id_number")
        phone = EncryptedTextField("联系电话", purpose="test.phone", blank=True)
        note = EncryptedTextField(purpose="test.note", null=True, blank=True)

        # Declared because the mypy plugin does not see models of an isolated registry.
        objects: ClassVar[models.Manager[Person]] = models.Manager()

        class Meta:
            app_label = "core"
            db_table = "core_test_pii_person"

        def __str__(self) -> str:
            return self.name


@pytest.fixture
def table(db: None) -> Iterator[None]:
    """The test model's table, created inside the test's transaction."""
    sql, params = connection.schema_editor().table_sql(Person)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    yield


def stored(column: str, pk: int) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM core_test_pii_person WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def make_key(seed: int) -> str:
    return base64.b64encode(bytes([seed]) * 32).decode()


pytestmark = pytest.mark.usefixtures("table")


class TestStoring:
    def test_a_saved_value_loads_sealed_and_reveals_on_demand(self) -> None:
        person = Person.objects.create(name="乌云", id_number=ID_NUMBER, phone=PHONE)
        loaded = Person.objects.get(pk=person.pk)
        assert isinstance(loaded.id_number, SealedValue)
        assert loaded.id_number.reveal() == ID_NUMBER
        assert loaded.phone.reveal() == PHONE
        assert loaded.note is None

    def test_the_column_holds_a_token_not_the_plaintext(self) -> None:
        person = Person.objects.create(name="乌云", id_number=ID_NUMBER, phone=PHONE)
        token = stored("id_number", person.pk)
        assert token.startswith(f"v1.{pii.keyring().current_id}.")
        assert ID_NUMBER not in token and "123X" not in token
        assert pii.decrypt(token, purpose="test.id_number") == ID_NUMBER
        with pytest.raises(pii.DecryptionError):  # bound to its column
            pii.decrypt(token, purpose="test.phone")

    def test_loading_rows_decrypts_nothing(self) -> None:
        Person.objects.bulk_create(
            Person(name=f"居民{index}", id_number=ID_NUMBER, phone=PHONE) for index in range(20)
        )
        with mock.patch("gongzhi.core.pii.decrypt", side_effect=AssertionError("decrypted")):
            people = list(Person.objects.all())
            rows = list(Person.objects.values("id_number", "phone"))
        assert len(people) == len(rows) == 20

    def test_assigning_text_seals_it_at_once(self) -> None:
        person = Person(name="乌云", id_number=ID_NUMBER)
        assert isinstance(person.id_number, SealedValue)
        assert person.id_number.purpose == "test.id_number"
        person.phone = PHONE
        assert isinstance(person.phone, SealedValue) and person.phone.reveal() == PHONE

    def test_saving_a_loaded_row_keeps_its_token(self) -> None:
        person = Person.objects.create(name="乌云", id_number=ID_NUMBER)
        before = stored("id_number", person.pk)
        loaded = Person.objects.get(pk=person.pk)
        loaded.name = "乌云其其格"
        loaded.save()
        assert stored("id_number", person.pk) == before

    def test_an_empty_value_is_stored_empty(self) -> None:
        person = Person.objects.create(name="乌云", id_number=ID_NUMBER)
        assert stored("phone", person.pk) == ""
        loaded = Person.objects.get(pk=person.pk)
        assert not loaded.phone and loaded.phone.reveal() == ""

    def test_a_value_sealed_for_another_column_is_refused(self) -> None:
        phone = SealedValue.seal(PHONE, purpose="test.phone")
        with pytest.raises(ValueError, match=r"test\.phone"):
            Person(name="乌云", id_number=phone)

    def test_it_refuses_what_is_neither_text_nor_sealed(self) -> None:
        with pytest.raises(TypeError):
            Person(name="乌云", id_number=152201198001011230)


class TestBulkWrites:
    def test_bulk_create_in_batches_stores_tokens(self) -> None:
        parts = [
            pii.protect(f"1381234{index:04d}", purpose="test.phone", mask=pii.mask_phone)
            for index in range(250)
        ]
        people = [
            Person(name=f"居民{index}", id_number=f"15220119800101{index:04d}", phone=part.sealed)
            for index, part in enumerate(parts)
        ]
        Person.objects.bulk_create(people, batch_size=100)
        loaded = {person.name: person for person in Person.objects.all()}
        assert len(loaded) == 250
        for index in (0, 99, 100, 249):
            person = loaded[f"居民{index}"]
            assert person.id_number.reveal() == f"15220119800101{index:04d}"
            assert person.phone == parts[index].sealed  # the token was not sealed twice
            assert person.phone.reveal() == f"1381234{index:04d}"

    def test_values_and_values_list_give_sealed_values(self) -> None:
        Person.objects.create(name="乌云", id_number=ID_NUMBER, phone=PHONE)
        row = Person.objects.values("name", "id_number", "phone", "note").get()
        assert isinstance(row["id_number"], SealedValue) and row["note"] is None
        assert row["id_number"].reveal() == ID_NUMBER
        (phone,) = Person.objects.values_list("phone", flat=True)
        assert isinstance(phone, SealedValue) and phone.reveal() == PHONE

    def test_update_and_bulk_update_encrypt(self) -> None:
        first = Person.objects.create(name="甲", id_number=ID_NUMBER)
        second = Person.objects.create(name="乙", id_number=ID_NUMBER)
        Person.objects.filter(pk=first.pk).update(phone="13900000000")
        assert stored("phone", first.pk).startswith("v1.")
        assert Person.objects.get(pk=first.pk).phone.reveal() == "13900000000"
        second.phone = "13700000000"
        Person.objects.bulk_update([second], ["phone"])
        assert Person.objects.get(pk=second.pk).phone.reveal() == "13700000000"


class TestQuerying:
    def test_comparing_a_value_is_refused_with_a_pointer_to_the_blind_index(self) -> None:
        with pytest.raises(FieldError, match="blind index"):
            Person.objects.filter(id_number=ID_NUMBER)
        sealed = SealedValue.seal(ID_NUMBER, purpose="test.id_number")
        with pytest.raises(FieldError, match="blind index"):
            Person.objects.filter(id_number=sealed)
        for lookup in ("id_number__icontains", "id_number__in", "id_number__startswith"):
            with pytest.raises(FieldError):
                Person.objects.filter(**{lookup: ID_NUMBER})

    def test_rows_without_a_value_can_be_found(self) -> None:
        with_phone = Person.objects.create(name="甲", id_number=ID_NUMBER, phone=PHONE)
        without = Person.objects.create(name="乙", id_number=ID_NUMBER, note="备注")
        assert list(Person.objects.filter(phone="")) == [without]
        assert list(Person.objects.exclude(phone="")) == [with_phone]
        assert list(Person.objects.filter(note__isnull=True)) == [with_phone]
        assert list(Person.objects.filter(note=None)) == [with_phone]


class TestRendering:
    def test_no_rendering_shows_the_plaintext(self) -> None:
        Person.objects.create(name="乌云", id_number=ID_NUMBER, phone=PHONE)
        person = Person.objects.get()
        template = engines["django"].from_string(
            "{{ p.id_number }}|{{ p.phone }}|{{ p.id_number.reveal }}|{{ p.note }}"
        )
        html = template.render({"p": person})
        assert html == "已加密|已加密||None"
        for shown in (html, str(person.id_number), f"{person.phone}", repr(person.id_number)):
            assert ID_NUMBER not in shown and PHONE not in shown

    def test_a_model_form_leaves_the_field_out(self) -> None:
        form_class = modelform_factory(Person, fields="__all__")
        assert list(form_class.base_fields) == ["name"]

    def test_serialised_rows_carry_tokens_that_load_back_sealed(self) -> None:
        person = Person.objects.create(name="乌云", id_number=ID_NUMBER, phone=PHONE)
        text = serializers.serialize("json", [person])
        assert ID_NUMBER not in text and PHONE not in text
        fields = json.loads(text)[0]["fields"]
        assert fields["id_number"] == stored("id_number", person.pk)
        loaded = Person._meta.get_field("id_number").to_python(fields["id_number"])
        assert loaded is not None and loaded.reveal() == ID_NUMBER

    def test_text_that_is_not_a_token_is_not_taken_for_one(self) -> None:
        with pytest.raises(ValidationError):
            Person._meta.get_field("id_number").to_python(ID_NUMBER)


class TestValidation:
    def test_a_required_value_must_not_be_empty(self) -> None:
        with pytest.raises(ValidationError) as caught:
            Person(name="乌云", id_number="").full_clean()
        assert list(caught.value.message_dict) == ["id_number"]
        Person(name="乌云", id_number=ID_NUMBER).full_clean()  # phone may stay empty

    def test_the_field_refuses_an_invalid_purpose_at_definition(self) -> None:
        with pytest.raises(ValueError, match="purpose"):
            EncryptedTextField(purpose="Resident ID")

    @isolate_apps("gongzhi.core")
    def test_the_system_check_refuses_unique_index_and_primary_key(self) -> None:
        class Bad(models.Model):
            code = EncryptedTextField(purpose="test.code", unique=True, db_index=True)
            other = EncryptedTextField(purpose="test.other", primary_key=True)

            class Meta:
                app_label = "core"

            def __str__(self) -> str:
                return "bad"

        errors = [*Bad._meta.get_field("code").check(), *Bad._meta.get_field("other").check()]
        refused = sorted(error.msg.split()[3] for error in errors if error.id == "core.E010")
        assert refused == ["db_index=True:", "primary_key=True:", "unique=True:"]


class TestMigrations:
    def test_the_field_deconstructs_with_its_purpose(self) -> None:
        field = Person._meta.get_field("phone")
        _name, path, args, kwargs = field.deconstruct()
        assert path == "gongzhi.core.fields.EncryptedTextField"
        assert kwargs == {"verbose_name": "联系电话", "purpose": "test.phone", "blank": True}
        rebuilt = EncryptedTextField(*args, **kwargs)
        assert rebuilt.purpose == "test.phone" and rebuilt.blank

    def test_makemigrations_writes_the_field_with_its_purpose(self) -> None:
        after = ProjectState()
        after.add_model(ModelState.from_model(Person))
        changes = MigrationAutodetector(
            ProjectState(), after, NonInteractiveMigrationQuestioner(specified_apps={"core"})
        ).changes(graph=mock.Mock(leaf_nodes=list))
        (migration,) = changes["core"]
        source = MigrationWriter(migration).as_string()
        assert "import gongzhi.core.fields" in source
        assert "gongzhi.core.fields.EncryptedTextField(purpose='test.id_number'" in source
        namespace: dict[str, Any] = {}
        exec(compile(source, "migration", "exec"), namespace)  # noqa: S102  (it is our own output)
        operation = namespace["Migration"].operations[0]
        written = dict(operation.fields)["phone"]
        assert (written.purpose, written.blank) == ("test.phone", True)


class TestKeyRotation:
    def test_rows_sealed_under_the_old_key_read_after_rotation_and_move_to_the_new(self) -> None:
        old_key, new_key = make_key(11), make_key(12)
        with override_settings(FIELD_ENCRYPTION_KEY=old_key):
            person = Person.objects.create(name="乌云", id_number=ID_NUMBER)
        with override_settings(FIELD_ENCRYPTION_KEY=new_key, FIELD_ENCRYPTION_KEYS_OLD=[old_key]):
            loaded = Person.objects.get(pk=person.pk)
            assert loaded.id_number.reveal() == ID_NUMBER
            assert pii.needs_reencryption(loaded.id_number.token)
            loaded.id_number = SealedValue(
                pii.reencrypt(loaded.id_number.token, purpose="test.id_number"),
                "test.id_number",
            )
            loaded.save(update_fields=["id_number"])
        with override_settings(FIELD_ENCRYPTION_KEY=new_key, FIELD_ENCRYPTION_KEYS_OLD=[]):
            assert Person.objects.get(pk=person.pk).id_number.reveal() == ID_NUMBER
