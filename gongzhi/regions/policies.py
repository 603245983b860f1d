"""Rules of law the regions app applies (DESIGN rule 5)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from gongzhi.policy.registry import Kind, Policy, Threshold, Version

COMMITTEE_OCCUPANCY = "regions.new_compound.committee_occupancy"

POLICIES = [
    Policy(
        key=COMMITTEE_OCCUPANCY,
        label=_("新建住宅区应成立居委会的入住率"),
        kind=Kind.THRESHOLD,
        unit=_("小区的住房套数"),
        help_text=_("达到这一入住率仍无本小区居委会的小区，在网格和小区页面上标出（R2.3b）。"),
        versions=[
            Version(
                Threshold(1, 2, strict=False),
                date(2018, 12, 28),
                source="《兴安盟关于加强和完善城乡社区治理的实施意见》二（三）：新建住宅区居民入住率"
                "达到50%的，应及时成立社区居民委员会；R2.3b",
                region_code="1522",
            )
        ],
    )
]
