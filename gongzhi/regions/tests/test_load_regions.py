"""Loading the league's division tree from data/xingan_divisions.csv."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from gongzhi.ledger.models import Event, EventType
from gongzhi.regions.loader import load_regions
from gongzhi.regions.models import Level, Region

pytestmark = pytest.mark.django_db

ROWS_IN_FILE = 1217


class TestLoadRegions:
    def test_it_loads_every_division_with_its_parent_and_short_code(self) -> None:
        report = load_regions()
        assert (report.added, report.changed, report.unchanged, report.deactivated) == (
            ROWS_IN_FILE,
            0,
            0,
            0,
        )
        assert report.rejected == []
        assert Region.objects.count() == ROWS_IN_FILE
        league = Region.objects.get(code="152200000000")
        assert (league.region_code, league.level, league.parent) == ("1522", Level.LEAGUE, None)
        township = Region.objects.get(code="152201001000")
        assert township.region_code == "152201001"
        assert township.parent == Region.objects.get(code="152201000000")
        community = Region.objects.get(code="152201001001")
        assert community.region_code == "152201001001"
        assert community.parent == township
        assert Region.objects.filter(level=Level.COMMUNITY).count() == 1120

    def test_it_stores_lowercase_pinyin_and_initials_without_tones(self) -> None:
        load_regions()
        wanjia = Region.objects.get(code="152201001001")
        assert wanjia.name == "万佳社区居委会"
        assert wanjia.name_pinyin == "wanjiashequjuweihui"
        assert wanjia.name_initials == "wjsqjwh"

    def test_a_second_run_adds_and_changes_nothing(self) -> None:
        load_regions()
        report = load_regions()
        assert (report.added, report.changed, report.unchanged, report.deactivated) == (
            0,
            0,
            ROWS_IN_FILE,
            0,
        )
        assert Region.objects.count() == ROWS_IN_FILE

    def test_each_run_writes_one_ledger_event_with_the_counts(self) -> None:
        load_regions()
        load_regions()
        events = list(Event.objects.filter(type=EventType.REGIONS_LOADED).order_by("seq"))
        assert len(events) == 2
        assert events[0].summary["added"] == ROWS_IN_FILE
        assert events[1].summary["added"] == 0
        assert events[1].summary["unchanged"] == ROWS_IN_FILE

    def test_the_command_prints_the_counts_in_chinese(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        call_command("load_regions")
        call_command("load_regions")
        out = capsys.readouterr().out.strip().splitlines()
        assert out[0] == f"新增 {ROWS_IN_FILE}，变更 0，未变 0，停用 0"
        assert out[-1] == f"新增 0，变更 0，未变 {ROWS_IN_FILE}，停用 0"
