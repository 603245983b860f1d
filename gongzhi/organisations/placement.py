"""Where each kind of organisation may sit, and the party tiers' rule (R2.1a "小三级").

- A community party committee (社区党委/党总支) sits at a community and has no parent here.
- A compound party branch (小区党支部) sits at a compound; its parent is the party
  committee of that compound's community.
- A building party group (楼栋党小组) sits at a building; its parent is the branch of that
  building's compound.
- A party organisation may be built on (依托, R2.1c) a committee, owner committee,
  property company or social organisation at its place or serving it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gongzhi.core.scoping import contains
from gongzhi.organisations.models import (
    ATTACHABLE_KINDS,
    COMMITTEE_KINDS,
    OFFICE_KINDS,
    PARTY_KINDS,
    TERM_KINDS,
    Organisation,
    OrganisationKind,
)
from gongzhi.regions.models import CODE_LENGTH, Level

K = OrganisationKind
ANY_DIVISION = frozenset({Level.LEAGUE, Level.COUNTY, Level.TOWNSHIP, Level.COMMUNITY})

# The division level the organisation's ``region`` must be at.
LEVELS_BY_KIND: dict[str, frozenset[int]] = {
    K.DEPARTMENT: frozenset({Level.LEAGUE, Level.COUNTY}),
    K.TOWNSHIP_OFFICE: frozenset({Level.TOWNSHIP}),
    K.MANAGEMENT_COMMITTEE: frozenset({Level.TOWNSHIP}),
    K.RESIDENTS_COMMITTEE: frozenset({Level.COMMUNITY}),
    K.VILLAGERS_COMMITTEE: frozenset({Level.COMMUNITY}),
    K.GACHA_COMMITTEE: frozenset({Level.COMMUNITY}),
    K.PARTY_COMMITTEE: frozenset({Level.COMMUNITY}),
    K.PARTY_BRANCH: frozenset({Level.COMMUNITY}),
    K.PARTY_GROUP: frozenset({Level.COMMUNITY}),
    K.OWNER_COMMITTEE: frozenset({Level.COMMUNITY}),
    K.PROPERTY_COMPANY: frozenset({Level.COUNTY, Level.TOWNSHIP, Level.COMMUNITY}),
    K.SOCIAL_ORGANISATION: ANY_DIVISION,
    K.SUPERVISION_COMMITTEE: frozenset({Level.COMMUNITY}),
}
# Kinds that sit at a compound (小区) or a building (楼栋) inside their community.
COMPOUND_KINDS = frozenset({K.PARTY_BRANCH, K.OWNER_COMMITTEE})
BUILDING_KINDS = frozenset({K.PARTY_GROUP})
# R2.1a: the tier each party kind must sit directly under.
PARENT_TIER: dict[str, str] = {K.PARTY_BRANCH: K.PARTY_COMMITTEE, K.PARTY_GROUP: K.PARTY_BRANCH}


def normalise_place(org: Organisation) -> None:
    """Derive the compound from the building, the community from the compound, and the code.

    Leaves anything it cannot derive for ``check_placement`` to report.
    """
    building = org.building
    if building is not None and org.compound_id is None:
        org.compound = building.compound
    compound = org.compound
    if compound is not None and org.region_id is None:
        org.region = compound.grid.community
    if org.region_id is not None:
        org.region_code = org.place_code


def community_code(code: str) -> str:
    """The community part of a place code (``""`` above community level)."""
    length = CODE_LENGTH[Level.COMMUNITY]
    return code[:length] if len(code) >= length else ""


def check_placement(org: Organisation) -> None:
    """Raise a ValidationError naming each field whose value breaks the kind's placement rules."""
    errors: dict[str, str] = {}
    kind = org.kind
    if org.region_id is None:
        raise ValidationError({"region": _("所在区划：必须选择")})
    region = org.region
    levels = LEVELS_BY_KIND.get(kind, ANY_DIVISION)
    if region.level not in levels:
        errors["region"] = _("所在区划：%(kind)s只能设在%(levels)s一级，%(name)s是%(level)s") % {
            "kind": K(kind).label,
            "levels": "、".join(str(Level(level).label) for level in sorted(levels)),
            "name": region.name,
            "level": Level(region.level).label,
        }

    _check_compound_and_building(org, errors)
    _check_parent(org, errors)
    _check_attached_to(org, errors)

    if org.posts_set is not None and kind not in COMMITTEE_KINDS:
        errors["posts_set"] = _("核定职数：只有居民委员会、村民委员会、嘎查委员会设核定职数")
    elif org.posts_set is not None:
        from gongzhi.organisations.composition import composition_rules

        low, high = composition_rules(kind, org.region_code).size_range
        if not low <= org.posts_set <= high:
            errors["posts_set"] = _("核定职数：%(kind)s由 %(low)d 至 %(high)d 人组成") % {
                "kind": K(kind).label,
                "low": low,
                "high": high,
            }
    if (org.term_start or org.term_end) and kind not in TERM_KINDS:
        errors["term_start"] = _("任期：%(kind)s不设任期") % {"kind": K(kind).label}
    if org.boundary_description and kind not in COMMITTEE_KINDS:
        errors["boundary_description"] = _(
            "管辖范围：只有居民委员会、村民委员会、嘎查委员会填写管辖范围"
        )
    if errors:
        raise ValidationError(errors)


def _check_compound_and_building(org: Organisation, errors: dict[str, str]) -> None:
    kind = org.kind
    compound, building = org.compound, org.building
    if kind in BUILDING_KINDS:
        if building is None:
            errors["building"] = _("所在楼栋：%(kind)s须设在楼栋") % {"kind": K(kind).label}
    elif building is not None:
        errors["building"] = _("所在楼栋：只有楼栋党小组设在楼栋")
    if kind not in COMPOUND_KINDS | BUILDING_KINDS:
        if compound is not None:
            errors["compound"] = _("所在小区：只有小区党支部、业主委员会设在小区")
        return
    if compound is None:
        if kind in COMPOUND_KINDS:
            errors["compound"] = _("所在小区：%(kind)s须设在小区") % {"kind": K(kind).label}
        return
    if compound.grid.community_id != org.region_id:
        errors["compound"] = _("所在小区：%(compound)s不在%(region)s") % {
            "compound": compound.name,
            "region": org.region.name,
        }
    if building is not None and building.compound_id != compound.pk:
        errors["building"] = _("所在楼栋：%(building)s不在所选小区") % {"building": building.name}


def _check_parent(org: Organisation, errors: dict[str, str]) -> None:
    kind = org.kind
    parent = org.parent
    if parent is not None and org.pk is not None:
        ancestor: Organisation | None = parent
        while ancestor is not None:
            if ancestor.pk == org.pk:
                errors["parent"] = _("上级组织：不能是本组织或其下级组织")
                return
            ancestor = ancestor.parent
    if kind == K.PARTY_COMMITTEE:
        if parent is not None:
            errors["parent"] = _(
                "上级组织：社区党委/党总支是本目录中党组织的最高一级，不设上级组织"
            )
        return
    if kind in PARENT_TIER:
        wanted = PARENT_TIER[kind]
        if parent is None:
            errors["parent"] = _("上级组织：%(kind)s须隶属于%(wanted)s（R2.1a“小三级”）") % {
                "kind": K(kind).label,
                "wanted": K(wanted).label,
            }
        elif parent.kind != wanted:
            errors["parent"] = _("上级组织：%(kind)s的上级须是%(wanted)s，不能是%(actual)s") % {
                "kind": K(kind).label,
                "wanted": K(wanted).label,
                "actual": K(parent.kind).label,
            }
        elif not parent.is_active:
            errors["parent"] = _("上级组织：%(name)s已撤销") % {"name": parent.name}
        elif kind == K.PARTY_BRANCH and parent.region_id != org.region_id:
            errors["parent"] = _("上级组织：小区党支部的上级须是本小区所在社区的党组织")
        elif (
            kind == K.PARTY_GROUP
            and org.compound_id is not None
            and parent.compound_id != org.compound_id
        ):
            errors["parent"] = _("上级组织：楼栋党小组的上级须是本楼栋所在小区的党支部")
        return
    if parent is None:
        return
    if parent.kind in PARTY_KINDS:
        errors["parent"] = _("上级组织：%(kind)s不能隶属于党组织") % {"kind": K(kind).label}
    elif kind in COMMITTEE_KINDS and parent.kind not in OFFICE_KINDS:
        errors["parent"] = _(
            "上级组织：居（村、嘎查）委员会的上级组织须是街道办事处或苏木乡镇人民政府"
        )
    elif org.region_id is not None and not contains(parent.region_code, org.region.region_code):
        errors["parent"] = _("上级组织：%(name)s的辖区不包含本组织所在地") % {"name": parent.name}


def _check_attached_to(org: Organisation, errors: dict[str, str]) -> None:
    attached = org.attached_to
    if attached is None:
        return
    if org.kind not in PARTY_KINDS:
        errors["attached_to"] = _("依托组织：只有党组织填写依托组织")
    elif attached.kind not in ATTACHABLE_KINDS:
        errors["attached_to"] = _(
            "依托组织：党组织只能依托居（村、嘎查）委员会、业主委员会、物业服务企业或社会组织建立（R2.1c）"
        )
    elif org.region_id is not None:
        place = org.place_code
        # The body sits at the party organisation's place or above it (serving it), or
        # inside the same community.
        serves_place = contains(attached.region_code, place)
        same_community = bool(community_code(place)) and contains(
            community_code(place), attached.region_code
        )
        if not (serves_place or same_community):
            errors["attached_to"] = _("依托组织：%(name)s不在本党组织所在社区或其上级区划") % {
                "name": attached.name
            }
