"""Seeding the directory from the division tree and ``data/departments.csv``.

``seed_organisations()`` creates what the platform can know without asking anyone:

(a) the league's functional departments (责任单位) that the seed's 分工 names, placed at
    the league (``1522``), with the sections they are responsible for;
(b) one township-level body per township-level division: a 街道 gets a 街道办事处, a 镇,
    乡 or 苏木 its 人民政府; a farm, ranch, park or mining district (statistical codes
    4xx, 类似乡级单位) its 管理委员会; detention institutions (戒毒所, 监狱) are skipped —
    they are not bodies of local government;
(c) one self-governing committee per community-level division: 居民委员会 for 社区/居委会,
    嘎查委员会 for 嘎查, 村民委员会 for 村, named as the division is when that name is
    already a committee's name (…居委会, …村委会, …嘎查委会), otherwise with the suffix
    appended (…社区居委会, …嘎查委员会, …村委会 — the forms the division file itself uses).
    Living areas of forest farms and state farms (…生活区) and statistical placeholders
    (…虚拟社区/虚拟生活区) are skipped: they have no elected committee, the farm runs them;
(d) one community party organisation per committee, of kind 社区党委/党总支 (the community
    tier of R2.1a). Its initial name follows one convention: ``<社区>党委`` in a 社区,
    ``<村/嘎查>党支部`` in a village or gacha; the community corrects it (e.g. to 党总支) on
    the edit page.

Idempotent: what exists (by place and kind, or by name for departments, active or not) is
kept, never duplicated or overwritten. The divisions must already be loaded.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import EventType
from gongzhi.organisations.models import (
    COMMITTEE_KINDS,
    OFFICE_KINDS,
    Organisation,
    OrganisationKind,
)
from gongzhi.regions.models import Level, Region

K = OrganisationKind
DEPARTMENTS_PATH = Path(settings.BASE_DIR) / "data" / "departments.csv"
LEAGUE_CODE = "1522"
SEED_SOURCE = "《关于加强和完善城乡社区治理的实施意见》（兴安盟，2018年12月28日）"

# Statistical code rule (统计用区划代码编制规则): the first digit of a township's three-digit
# part is 4 for units similar to townships (农牧场、园区、矿区…), 0 街道, 1 镇, 2 乡/苏木.
SIMILAR_TO_TOWNSHIP_DIGIT = "4"
DETENTION_WORDS = ("戒毒所", "监狱")
SKIPPED_COMMUNITY = re.compile(r"(虚拟|生活区$)")
COMMITTEE_SUFFIXES = ("委会", "委员会")
RESIDENTS_WORDS = ("居委会", "居民委员会", "居民委会")
RESIDENTS_SUFFIX = re.compile(r"(社区)?(居民委员会|居民委会|居委会)$")
VILLAGE_SUFFIX = re.compile(r"(村民委员会|村民委会|村委会|委员会|委会)$")
GACHA_SUFFIX = re.compile(r"(人民委员会|委员会|委会)$")


@dataclass
class SeedResult:
    departments: int = 0
    offices: int = 0
    committees: int = 0
    party_committees: int = 0
    skipped: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def created(self) -> int:
        return self.departments + self.offices + self.committees + self.party_committees

    def __str__(self) -> str:
        return _(
            "组织机构新建 %(created)d 个（职能部门 %(departments)d、街道/苏木乡镇 %(offices)d、"
            "居（村、嘎查）委员会 %(committees)d、社区党组织 %(party)d），跳过 %(skipped)d 个区划"
        ) % {
            "created": self.created,
            "departments": self.departments,
            "offices": self.offices,
            "committees": self.committees,
            "party": self.party_committees,
            "skipped": len(self.skipped),
        }


@dataclass(frozen=True)
class Planned:
    kind: str
    name: str


def township_body(region: Region) -> Planned | str:
    """The township-level body of a township-level division, or the reason there is none."""
    name = region.name
    if name.endswith("街道"):
        return Planned(K.TOWNSHIP_OFFICE, f"{name}办事处")
    similar = region.code[6] == SIMILAR_TO_TOWNSHIP_DIGIT
    if not similar and name.endswith(("镇", "乡", "苏木")):
        return Planned(K.TOWNSHIP_OFFICE, f"{name}人民政府")
    if any(word in name for word in DETENTION_WORDS):
        return _("监管场所，不设基层政府或管理委员会")
    if similar:
        return Planned(K.MANAGEMENT_COMMITTEE, f"{name}管理委员会")
    return Planned(K.TOWNSHIP_OFFICE, f"{name}人民政府")


def community_committee(region: Region) -> Planned | str:
    """The committee of a community-level division, or the reason there is none."""
    name = region.name
    if SKIPPED_COMMUNITY.search(name):
        return _("林场、农场生活区或统计用虚拟单位，由所属场站管理，不设居（村）民委员会")
    if any(word in name for word in RESIDENTS_WORDS) or name.endswith("社区"):
        return Planned(
            K.RESIDENTS_COMMITTEE, name if name.endswith(RESIDENTS_WORDS) else f"{name}居委会"
        )
    if "嘎查" in name:
        return Planned(
            K.GACHA_COMMITTEE, name if name.endswith(COMMITTEE_SUFFIXES) else f"{name}委员会"
        )
    return Planned(
        K.VILLAGERS_COMMITTEE, name if name.endswith(COMMITTEE_SUFFIXES) else f"{name}委会"
    )


def community_place_name(kind: str, region_name: str) -> str:
    """The community's own name without the committee.

    万佳社区居委会 → 万佳社区, 红光村委会 → 红光村, 宝力根花嘎查委会 → 宝力根花嘎查.
    """
    if kind == K.RESIDENTS_COMMITTEE:
        base = RESIDENTS_SUFFIX.sub("", region_name)
        return base if base.endswith("社区") else f"{base}社区"
    if kind == K.GACHA_COMMITTEE:
        return GACHA_SUFFIX.sub("", region_name)
    base = VILLAGE_SUFFIX.sub("", region_name)
    return base if base.endswith("村") else f"{base}村"


def party_committee_name(kind: str, region_name: str) -> str:
    place = community_place_name(kind, region_name)
    return f"{place}党委" if kind == K.RESIDENTS_COMMITTEE else f"{place}党支部"


def read_departments(path: Path = DEPARTMENTS_PATH) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            {key: value.strip() for key, value in row.items()} for row in csv.DictReader(handle)
        ]


def department_description(row: dict[str, str]) -> str:
    return _("%(category)s。%(source)s分工：%(duties)s") % {
        "category": row["category"],
        "source": SEED_SOURCE,
        "duties": row["duties"],
    }


@transaction.atomic
def seed_organisations(departments_path: Path = DEPARTMENTS_PATH) -> SeedResult:
    """Create the departments, township bodies, committees and community party organisations.

    One transaction; a handful of queries and four bulk inserts whatever the tree's size.
    Records one ledger event when anything was created.
    """
    league = Region.objects.filter(region_code=LEAGUE_CODE).first()
    if league is None:
        raise RuntimeError(_("尚未导入行政区划：请先运行 manage.py load_regions"))
    result = SeedResult()
    result.departments = _seed_departments(league, read_departments(departments_path))

    regions = list(
        Region.objects.filter(is_active=True, level__in=[Level.TOWNSHIP, Level.COMMUNITY])
        .only("id", "code", "region_code", "name", "level", "parent_id")
        .order_by("code")
    )
    townships = [r for r in regions if r.level == Level.TOWNSHIP]
    communities = [r for r in regions if r.level == Level.COMMUNITY]

    have_office = set(
        Organisation.objects.filter(kind__in=OFFICE_KINDS).values_list("region_id", flat=True)
    )
    offices = []
    for region in townships:
        plan = township_body(region)
        if isinstance(plan, str):
            result.skipped.append((region.region_code, region.name, plan))
        elif region.pk not in have_office:
            offices.append(_build(plan, region))
    Organisation.objects.bulk_create(offices, batch_size=500)
    result.offices = len(offices)

    office_of = dict(
        Organisation.objects.filter(kind__in=OFFICE_KINDS, is_active=True).values_list(
            "region_id", "id"
        )
    )
    have_committee = set(
        Organisation.objects.filter(kind__in=COMMITTEE_KINDS).values_list("region_id", flat=True)
    )
    have_party = set(
        Organisation.objects.filter(kind=K.PARTY_COMMITTEE).values_list("region_id", flat=True)
    )
    committees, party = [], []
    for region in communities:
        plan = community_committee(region)
        if isinstance(plan, str):
            result.skipped.append((region.region_code, region.name, plan))
            continue
        if region.pk not in have_committee:
            committee = _build(plan, region)
            committee.parent_id = office_of.get(region.parent_id) if region.parent_id else None
            committees.append(committee)
        if region.pk not in have_party:
            name = party_committee_name(plan.kind, region.name)
            party.append(_build(Planned(K.PARTY_COMMITTEE, name), region))
    Organisation.objects.bulk_create(committees, batch_size=500)
    Organisation.objects.bulk_create(party, batch_size=500)
    result.committees = len(committees)
    result.party_committees = len(party)

    if result.created:
        record_event(
            EventType.ORGANISATION_SAVED,
            object_type="organisations.organisation",
            region_code=LEAGUE_CODE,
            summary={
                "seeded": True,
                "departments": result.departments,
                "offices": result.offices,
                "committees": result.committees,
                "party_committees": result.party_committees,
            },
        )
    return result


def _build(plan: Planned, region: Region) -> Organisation:
    return Organisation(
        kind=plan.kind, name=plan.name, region=region, region_code=region.region_code
    )


def _seed_departments(league: Region, rows: list[dict[str, str]]) -> int:
    existing = set(
        Organisation.objects.filter(kind=K.DEPARTMENT, region=league).values_list("name", flat=True)
    )
    new = [
        Organisation(
            kind=K.DEPARTMENT,
            name=row["name"],
            short_name=row["short_name"],
            description=department_description(row),
            region=league,
            region_code=league.region_code,
        )
        for row in rows
        if row["name"] not in existing
    ]
    Organisation.objects.bulk_create(new)
    return len(new)
