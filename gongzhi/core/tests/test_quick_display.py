"""``QuickDisplayMixin``: the same labels as Django's own ``get_FOO_display``, per language."""

from __future__ import annotations

from django.db.models import Model
from django.utils import translation

from gongzhi.residents.models import Resident


def django_display(resident: Resident, name: str) -> str:
    field = Resident._meta.get_field(name)
    return Model._get_FIELD_display(resident, field)  # type: ignore[attr-defined]


def test_labels_match_djangos_in_both_languages() -> None:
    resident = Resident(sex="2", ethnicity="02", status="active", residence_situation="migrant")
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for name in ("sex", "ethnicity", "status", "residence_situation"):
                display = getattr(resident, f"get_{name}_display")()
                assert display == django_display(resident, name)
    with translation.override("zh-hans"):
        assert resident.get_ethnicity_display() == "蒙古族"


def test_a_value_outside_the_choices_shows_as_itself() -> None:
    assert Resident(ethnicity="99").get_ethnicity_display() == "99"
