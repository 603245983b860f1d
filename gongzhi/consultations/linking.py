"""What the polls (社区投票) and the opinion map (意见地图) use of a consultation they are
linked to, the way adhocracy4 puts modules in a project and Decidim components in a
process (R2.3e, R3.1a, R3.1d).

- ``linkable_consultation``: the consultation a staff member links a poll or an opinion
  map to. It must be one the staff member sees (``queries.consultations_for``), and the
  poll's or map's place must be the consultation's own region (the community, or the
  street leading a cross-community matter) or one of the communities taking part (R3.1a).
- ``phase_refusal``: why the consultation's current phase does not open a feature now, in
  Chinese and naming the phase. The phase rows' switches decide (``blueprints``):
  ``Feature.POLL`` for voting in a linked poll, ``Feature.COMMENT`` for taking part in a
  linked opinion map.
- ``consultation_choices``: the consultations a staff member may link to, for forms.

The polls and opinions apps import this module; it imports neither of them.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from gongzhi.consultations import queries
from gongzhi.consultations.enums import Feature, PhaseKey
from gongzhi.consultations.models import Consultation
from gongzhi.core.actions import FieldErrors

# A form lists at most this many consultations, newest first (the one already linked or
# asked for in the address is always among them).
MAX_CHOICES = 200


def participating_codes(consultation: Consultation) -> list[str]:
    """The consultation's own region first, then the communities taking part."""
    codes = [consultation.region_code]
    for code in consultation.communities.order_by("region_code").values_list(
        "region_code", flat=True
    ):
        if code not in codes:
            codes.append(code)
    return codes


def _place_names(consultation: Consultation) -> str:
    names = [consultation.owner.name]
    for row in consultation.communities.select_related("community").order_by("region_code"):
        if row.community.name not in names:
            names.append(row.community.name)
    return "、".join(names)


def linkable_consultation(
    actor: Any,
    value: Consultation | int | str | None,
    *,
    region_code: str | None,
    errors: FieldErrors,
    field: str = "consultation",
) -> Consultation | None:
    """The consultation ``value`` names, when ``actor`` may link to it from ``region_code``;
    else None with the reason added to ``errors`` (``field``, or ``region`` when the place
    does not take part). Empty ``value``: no link, no error. ``actor=None`` is the
    command line, which sees every consultation."""
    if value is None or value == "":
        return None
    try:
        pk = value.pk if isinstance(value, Consultation) else int(value)
    except (TypeError, ValueError):
        errors.add(field, _("请选择有效的协商事项"))
        return None
    rows = Consultation.objects.all() if actor is None else queries.consultations_for(actor)
    consultation = rows.select_related("owner").filter(pk=pk).first()
    if consultation is None:
        errors.add(field, _("请选择您辖区内的协商事项"))
        return None
    if region_code and region_code not in participating_codes(consultation):
        errors.add(
            "region",
            _("关联协商“%(title)s”时，组织单位须是其牵头辖区或参与社区：%(places)s")
            % {"title": consultation.title, "places": _place_names(consultation)},
        )
        return None
    return consultation


def current_phase_features(consultation: Consultation) -> frozenset[str]:
    """The switches of the consultation's current phase; uses prefetched ``phases``."""
    for phase in consultation.phases.all():
        if phase.key == consultation.phase:
            return frozenset(phase.features)
    return frozenset()


def phase_refusal(consultation: Consultation | None, feature: Feature) -> str | None:
    """Why the consultation's current phase does not open ``feature``, in Chinese; None
    when it does, or when there is no consultation (an unlinked poll or map)."""
    if consultation is None or feature.value in current_phase_features(consultation):
        return None
    phase = PhaseKey(consultation.phase).label
    if feature == Feature.POLL:
        return _("本投票属于协商“%(title)s”，该协商当前处于“%(phase)s”阶段，现在不开放投票。") % {
            "title": consultation.title,
            "phase": phase,
        }
    if feature == Feature.COMMENT:
        return _(
            "本意见地图属于协商“%(title)s”，该协商当前处于“%(phase)s”阶段，现在不开放发表意见。"
        ) % {"title": consultation.title, "phase": phase}
    return _("协商“%(title)s”当前处于“%(phase)s”阶段，不开放“%(feature)s”。") % {
        "title": consultation.title,
        "phase": phase,
        "feature": feature.label,
    }


def consultation_choices(user: Any, include: Consultation | None = None) -> list[tuple[str, str]]:
    """Consultations ``user`` may link a poll or an opinion map to, newest first."""
    rows = list(queries.consultations_for(user)[:MAX_CHOICES])
    if include is not None and all(row.pk != include.pk for row in rows):
        rows.insert(0, include)
    return [
        ("", _("不关联协商")),
        *(
            (
                str(row.pk),
                _("%(title)s（%(owner)s · %(phase)s阶段）")
                % {"title": row.title, "owner": row.owner.name, "phase": PhaseKey(row.phase).label},
            )
            for row in rows
        ),
    ]
