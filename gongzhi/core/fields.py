"""Model fields for personal data (DESIGN rule 4).

``EncryptedTextField(purpose=…)`` keeps a value encrypted (``gongzhi.core.pii``) in a
text column. Loading a row does not decrypt it: the attribute holds a ``SealedValue``,
the token and its purpose, whose ``str()`` is ``已加密`` and whose ``reveal()`` decrypts on
demand.

Why not decrypt on every load? A list page of a million-row table only needs masked
values; decrypting every fetched row would spend CPU on plaintext nobody is allowed to
see, keep that plaintext in memory, and make ``{{ resident.id_number }}`` in any
template print it. Instead the registry writes, with each value, its blind index and its
masked form into plain columns (``pii.protect`` computes all three in one pass):

    class Resident(models.Model):
        id_number = EncryptedTextField(_("证件号码"), purpose="resident.id_number")
        id_number_index = models.CharField(max_length=32)     # pii.blind_index
        id_number_masked = models.CharField(max_length=24)    # idcard.mask_id
        phone = EncryptedTextField(_("联系电话"), purpose="resident.phone", blank=True)
        phone_index = models.CharField(max_length=32, blank=True)
        phone_masked = models.CharField(max_length=20, blank=True)  # pii.mask_phone

        class Meta:
            constraints = [
                models.UniqueConstraint(
                    fields=["id_number_index"], name="resident_id_number_unique"
                ),
            ]

Lists, exports and search read the plain columns and never decrypt; the unmask action
checks the permission, records the ledger event and calls ``reveal()``. Keeping the three
columns in step is the action's job, like every other invariant (DESIGN rule 1).

How the field behaves:

- Assigning text seals it at once (``resident.phone = "13812345678"`` stores a
  ``SealedValue``), so even an object that was never saved cannot render its plaintext.
  Assigning a ``SealedValue`` keeps its token, so ``protect(...).sealed`` costs no second
  encryption, and saving a loaded row does not re-encrypt what did not change.
- ``save()``, ``bulk_create()``, ``bulk_update()`` and ``QuerySet.update()`` write the
  token; model instances, ``.values()`` and ``.values_list()`` all give ``SealedValue``.
- A ciphertext differs on every write, so comparing it is meaningless: filtering on the
  field raises ``FieldError`` pointing to the blind index. Only ``isnull`` and ``=""``
  (rows without a value) are allowed. ``unique``, ``db_index`` and ``primary_key`` are
  refused by system checks (core.E010) for the same reason.
- The field has no form field: a ModelForm leaves it out, and a form that edits the value
  declares its own input and hands the action plain text.
- ``dumpdata`` writes tokens and ``loaddata`` reads them back, still sealed.
"""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.exceptions import FieldError, ValidationError
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Combinable
from django.db.models.lookups import Exact, Lookup
from django.db.models.query_utils import DeferredAttribute
from django.utils.translation import gettext_lazy as _

from gongzhi.core.pii import SealedValue, token_key_id, validate_purpose


class _SealingAttribute(DeferredAttribute):
    """Seals text on assignment, so the instance never holds a plaintext."""

    field: EncryptedTextField

    def __set__(self, instance: models.Model, value: Any) -> None:
        instance.__dict__[self.field.attname] = self.field.to_sealed(value)


class _EmptyOnlyExact(Exact):
    """``field=""`` finds rows without a value; any other comparison is refused."""

    def get_prep_lookup(self) -> Any:
        if self.rhs is not None and self.rhs != "":  # None becomes isnull
            raise FieldError(
                f"{self.lhs.output_field.name} is encrypted with a random nonce and cannot be "
                "compared; filter on its blind index column (gongzhi.core.pii.blind_index)"
            )
        return super().get_prep_lookup()


class EncryptedTextField(models.Field[Any, Any]):
    """Text encrypted at rest with AES-256-GCM; loads as a ``SealedValue`` (module docstring)."""

    # What the attribute accepts and gives, for django-stubs (Optional added when null=True).
    _pyi_private_set_type: str | SealedValue | Combinable
    _pyi_private_get_type: SealedValue

    description = _("加密的个人信息")
    descriptor_class = _SealingAttribute

    def __init__(self, *args: Any, purpose: str, **kwargs: Any) -> None:
        self.purpose = validate_purpose(purpose)
        # Reported by check() rather than raised, like Django's own field options.
        self.refused_options = [
            option for option in ("primary_key", "unique", "db_index") if kwargs.get(option)
        ]
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["purpose"] = self.purpose
        return name, path, args, kwargs

    def get_internal_type(self) -> str:
        return "TextField"

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        errors.extend(
            checks.Error(
                f"EncryptedTextField cannot take {option}=True: its ciphertext differs on "
                "every write",
                hint="Index or constrain the blind index column instead.",
                obj=self,
                id="core.E010",
            )
            for option in self.refused_options
        )
        return errors

    # --- Values ---------------------------------------------------------------------------

    def to_sealed(self, value: Any) -> Any:
        """What the attribute holds for an assigned ``value``.

        Text is sealed under this field's purpose; a ``SealedValue`` of this purpose is
        kept; ``None`` and query expressions pass through.
        """
        if isinstance(value, SealedValue):
            if value.purpose != self.purpose:
                # Its token is bound to the other purpose and would never decrypt here.
                raise ValueError(
                    f"a value sealed for {value.purpose!r} cannot be stored in a field "
                    f"for {self.purpose!r}; reveal it and assign the text"
                )
            return value
        if isinstance(value, str):
            return SealedValue.seal(value, purpose=self.purpose)
        if value is None or hasattr(value, "resolve_expression"):
            return value
        raise TypeError(f"{self.name} takes text or a SealedValue, not {type(value).__name__}")

    def from_db_value(
        self, value: str | None, expression: Any, connection: BaseDatabaseWrapper
    ) -> SealedValue | None:
        return None if value is None else SealedValue(value, self.purpose)

    def to_python(self, value: Any) -> SealedValue | None:
        """A stored token (from a fixture, or an already sealed value) as a ``SealedValue``.

        Text here is a token, never a plaintext: plaintext arrives by assignment.
        """
        if value is None or isinstance(value, SealedValue):
            return value
        if isinstance(value, str) and (value == "" or token_key_id(value) is not None):
            return SealedValue(value, self.purpose)
        raise ValidationError(_("不是有效的加密数据"), code="invalid")

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        sealed = self.to_sealed(value)
        return None if sealed is None else sealed.token

    def value_to_string(self, obj: models.Model) -> str:
        sealed = self.value_from_object(obj)
        return "" if sealed is None else sealed.token

    def validate(self, value: Any, model_instance: models.Model | None) -> None:
        # Field.validate tests blank against "" and None; an empty SealedValue is neither.
        token = value.token if isinstance(value, SealedValue) else value
        super().validate(token, model_instance)

    def formfield(self, **kwargs: Any) -> Any:
        return None

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        if lookup_name == "exact":
            return _EmptyOnlyExact
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None
