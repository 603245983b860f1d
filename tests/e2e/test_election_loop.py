"""A committee election from scheduling to the published result, in Chromium (issue 6):
the street schedules, the election committee builds and publishes the voter list (and its
PDF per residents' group), records the candidates, a polling station that enters its tally
sheet and one that enters every paper ballot, two clerks enter the sheet and the bundle of
ballots, the tally runs, the result is certified and anyone can read it without logging in
(R2.3d)."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from conftest import COMMUNITY_A, PASSWORD, Personas, make_user
from gongzhi.elections.models import Candidate, Election
from gongzhi.elections.tests.conftest import committee_of, populate

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page: Any, live_server: Any, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def submit(page: Any, name: str) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def enter_sheet(page: Any, live_server: Any, election: Election, votes: dict[str, str]) -> None:
    page.goto(f"{live_server.url}/console/elections/{election.pk}/stations/")
    page.get_by_role("link", name="录入计票单").click()
    page.get_by_label("发出选票").fill("10")
    page.get_by_label("收回选票").fill("10")
    page.get_by_label("无效票").fill("0")
    for label, value in votes.items():
        page.get_by_label(label).fill(value)
    submit(page, "提交")


def enter_bundle(page: Any, live_server: Any, election: Election, lines: str) -> None:
    page.goto(f"{live_server.url}/console/elections/{election.pk}/stations/")
    page.get_by_role("link", name="逐张录入选票").click()
    page.get_by_label("捆号").fill("1")
    page.get_by_label("本捆张数").fill("2")
    page.get_by_label("选票（每行一张）").fill(lines)
    submit(page, "提交本捆")


def test_an_election_from_scheduling_to_the_published_result(
    page: Any, live_server: Any, personas: Personas
) -> None:
    committee = committee_of(COMMUNITY_A)
    make_user("clerk2", "community_staff", COMMUNITY_A, full_name="刘芳")
    populate(12, women=4)
    with time_machine.travel("2026-05-01 10:00 +0800", tick=True) as traveller:
        # 部署: the street schedules the election.
        sign_in(page, live_server, "street_staff")
        page.goto(f"{live_server.url}/console/elections/new/")
        page.get_by_label("委员会").select_option(str(committee.pk))
        page.get_by_label("选举日").fill("2026-06-30")
        page.get_by_label("应选副主任").fill("1")
        page.get_by_label("应选委员").fill("3")
        submit(page, "部署")
        election = Election.objects.get()
        assert "选民名单公布" in page.content()

        # 选民登记 and 公布: the election committee builds and publishes the list.
        sign_in(page, live_server, "staff_a")
        page.goto(f"{live_server.url}/console/elections/{election.pk}/voters/")
        submit(page, "从实有人口生成选民名单")
        assert "新登记 12 人" in page.content()
        submit(page, "公布选民名单")
        assert "已于" in page.content()
        pdf = page.request.get(f"{live_server.url}/xuanju/{election.pk}/voters.pdf?group=none")
        assert pdf.ok and pdf.body().startswith(b"%PDF-")

        # 提名: two for director, two for deputy, four for member; then publish.
        voters = list(election.voters.order_by("pk"))
        plan = ["主任", "主任", "副主任", "副主任", "委员", "委员", "委员", "委员"]
        for voter, post in zip(voters, plan, strict=False):
            page.goto(f"{live_server.url}/console/elections/{election.pk}/candidates/")
            page.get_by_label("被提名人的选民编号").fill(str(voter.pk))
            page.get_by_label("竞选职务").select_option(label=post)
            page.get_by_label("联名提名的选民人数").fill("10")
            submit(page, "登记")
        submit(page, "公布正式候选人")
        assert "正式候选人已公布" in page.content()

        page.goto(f"{live_server.url}/console/elections/{election.pk}/stations/")
        page.get_by_label("名称").fill("第一投票站")
        page.get_by_label("地点").fill("社区服务站一楼")
        submit(page, "设立")
        page.get_by_label("名称").fill("流动票箱")
        page.get_by_label("类别").select_option(label="流动票箱")
        page.get_by_label("录入方式").select_option(label="逐张录入选票")
        submit(page, "设立")

        # 选举日: two clerks enter the station's tally sheet.
        traveller.move_to("2026-06-30 18:00 +0800")
        candidates = list(Candidate.objects.filter(election=election).order_by("pk"))
        numbers = ["8", "2", "7", "3", "9", "8", "6", "2"]
        votes = {
            f"{c.name}（{c.get_post_display()}）": n
            for c, n in zip(candidates, numbers, strict=True)
        }
        sign_in(page, live_server, "staff_a")
        enter_sheet(page, live_server, election, votes)
        # The mobile box's two ballots: directors are 1–2, deputies 3–4, members 5–8.
        enter_bundle(page, live_server, election, "1 3 5 6 7\n1 3 5 6 7\n")
        sign_in(page, live_server, "clerk2")
        enter_sheet(page, live_server, election, votes)
        enter_bundle(page, live_server, election, "1 3 5 6 7\n1 3 5 6 8\n")
        assert "第 2 张：第一次“1 3 5 6 7”，第二次“1 3 5 6 8”" in page.content()
        # The paper ballot says 7: the second clerk corrects their entry.
        page.get_by_role("link", name="录入或更正").click()
        page.get_by_label("选票（每行一张）").fill("1 3 5 6 7\n1 3 5 6 7\n")
        submit(page, "提交本捆")
        assert "不一致，请核对更正" not in page.content()
        assert "badge-ok" in page.content()

        # 计票 and 确认.
        page.goto(f"{live_server.url}/console/elections/{election.pk}/results/")
        submit(page, "计票")
        assert "选举有效" in page.content()
        assert "收回 12 张" in page.content()
        checkbox = page.get_by_label("已知晓上述构成问题，仍确认选举结果")
        if checkbox.count():
            checkbox.check()
        submit(page, "确认并公布选举结果")
        assert "结果已于" in page.content()

        # 公布: the result is public without logging in.
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/xuanju/{election.pk}/")
        assert "当选" in page.content()
        assert candidates[0].name in page.content()
