"""议事协商 end to end (R2.3e, R3.1a–R3.1f): a resident proposes a topic on the portal, a
neighbour supports it, community staff take it into a residents' meeting, hold the meeting
(attendance, agenda, minutes, a decision that meets the quorum and the majority), carry the
decision out to 100% and report back; the proposer follows every step and rates the outcome.
And 社区投票: a resident votes once and cannot vote again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import COMMUNITY_A, PASSWORD, Personas, make_user
from gongzhi.consultations.models import Consultation, Topic
from gongzhi.polls import actions as poll_actions
from gongzhi.polls.models import Poll
from gongzhi.residents.models import Resident
from gongzhi.residents.tests.helpers import household_in, resident_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page: Any, live_server: Any, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def link_record(user: Any, name: str) -> None:
    """Give the portal account a registry record in community A (who may take part)."""
    record = resident_in(household_in(COMMUNITY_A), name=name)
    Resident.objects.filter(pk=record.pk).update(user=user)


def submit(page: Any, scope: Any, fields: dict[str, str], button: str) -> None:
    """Fill the labelled fields inside ``scope`` and press its ``button``."""
    for label, value in fields.items():
        field = scope.get_by_label(label, exact=True)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)
    scope.get_by_role("button", name=button).click()
    page.wait_for_load_state()


def open_details(page: Any, summary: str) -> Any:
    details = page.locator("details", has=page.locator("summary", has_text=summary))
    if not details.evaluate("e => e.open"):
        details.locator("summary").click()
    return details


def advance(page: Any, to: str) -> None:
    page.get_by_role("button", name="进入下一阶段").click()  # confirmed in the dialog
    page.wait_for_load_state()
    assert page.locator('.cs-phases li[aria-current="step"]').inner_text().startswith(to)


def test_a_residents_topic_from_proposal_to_rated_outcome(
    page: Any, live_server: Any, personas: Personas
) -> None:
    page.on("dialog", lambda dialog: dialog.accept())
    link_record(personas.resident, "乌云")
    neighbour = make_user("neighbour", "resident", COMMUNITY_A, full_name="巴图孟和")
    link_record(neighbour, "巴图孟和")

    # 提出议题: the resident proposes a topic for her community.
    sign_in(page, live_server, "resident")
    page.goto(f"{live_server.url}/portal/consultations/")
    page.get_by_role("link", name="提出议题").click()
    submit(
        page,
        page.locator("main"),
        {"议题": "小区北门加装路灯", "议题说明": "北门到菜市场一段晚上没有路灯，老人出行不便。"},
        "提交",
    )
    topic = Topic.objects.get()
    assert "议题已提出" in page.content()

    # 附议: a neighbour supports it.
    sign_in(page, live_server, "neighbour")
    page.goto(f"{live_server.url}/portal/consultations/")
    page.get_by_role("link", name="小区北门加装路灯").click()
    page.get_by_role("button", name="附议支持").click()
    page.wait_for_load_state()
    assert "我已附议" in page.content()
    assert "1 人附议" in page.content()

    # 纳入协商: community staff take it into a residents' meeting consultation.
    sign_in(page, live_server, "staff_a")
    page.goto(f"{live_server.url}/console/consultations/")
    page.get_by_role("table").get_by_role("link", name="小区北门加装路灯").click()
    accept = page.locator("section", has=page.get_by_role("heading", name="纳入协商"))
    submit(page, accept, {"协商形式": "居民会议"}, "纳入协商")
    consultation = Consultation.objects.get(topic=topic)
    assert page.url.endswith(f"/console/consultations/consultations/{consultation.pk}/")
    assert page.locator('.cs-phases li[aria-current="step"]').inner_text().startswith("征集")

    # 协商: schedule the residents' meeting with its agenda.
    advance(page, "协商")
    meeting_form = open_details(page, "安排会议")
    starts = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT19:00")
    submit(
        page,
        meeting_form,
        {
            "会议名称": "万佳社区居民会议",
            "召开时间": starts,
            "地点": "社区党群服务中心二楼议事厅",
            "议程": "一、通报北门路灯方案\n二、居民讨论\n三、表决",
        },
        "安排会议",
    )
    assert "会议已安排" in page.content()

    # 决策: the meeting is held — attendance, minutes, then the decision.
    advance(page, "决策")
    page.get_by_role("link", name="万佳社区居民会议").click()
    attendance = page.locator("section", has=page.get_by_role("heading", name="出席情况"))
    submit(
        page,
        attendance,
        {
            "应到人数口径": "年满十八周岁的居民",
            "应到人数": "120",
            "实到人数": "78",
            "会议纪要": "会议由社区党委书记主持，12 名居民发言。",
        },
        "登记出席和纪要",
    )
    assert "实到 78 人，应到 120 人" in page.content()
    decision = page.locator("section", has=page.get_by_role("heading", name="会议决定"))
    submit(
        page,
        decision,
        {
            "表决事项": "在北门至菜市场路段加装 6 盏太阳能路灯",
            "赞成": "61",
            "反对": "11",
            "弃权": "6",
            "决定内容": "加装 6 盏太阳能路灯，由物业公司实施。",
            "少数意见": "一楼住户担心灯光影响休息，建议调低亮度。",
        },
        "记录决定",
    )
    decision = page.locator("section", has=page.get_by_role("heading", name="会议决定"))
    assert "通过" in decision.locator(".badge").inner_text()
    assert "已达到" in decision.inner_text() and "未达到" not in decision.inner_text()

    # 落实: the decision becomes an item, carried out to 100%.
    page.get_by_role("link", name="小区北门加装路灯").first.click()  # the breadcrumb
    advance(page, "落实")
    item_form = open_details(page, "新建落实事项")
    deadline = (timezone.localdate() + timedelta(days=30)).isoformat()
    item_form.get_by_label("落实事项", exact=True).fill("采购并安装 6 盏太阳能路灯")
    item_form.get_by_label("责任人或责任单位").fill("万佳物业公司")
    item_form.get_by_label("完成期限").fill(deadline)
    item_form.get_by_role("button", name="创建").click()
    page.wait_for_load_state()
    assert "落实事项已创建" in page.content()
    page.get_by_role("link", name="采购并安装 6 盏太阳能路灯").click()
    progress = page.locator("section", has=page.get_by_role("heading", name="填报进展"))
    submit(
        page,
        progress,
        {"进度（%）": "40", "状态": "落实中", "进展说明": "已完成询价，选定供应商。"},
        "填报",
    )
    progress = page.locator("section", has=page.get_by_role("heading", name="填报进展"))
    submit(
        page,
        progress,
        {"进度（%）": "100", "状态": "已完成", "进展说明": "6 盏路灯已安装并通电。"},
        "填报",
    )
    assert "100%" in page.locator("main").inner_text()

    # 反馈: report the outcome back to the residents.
    page.get_by_role("link", name="小区北门加装路灯").first.click()
    advance(page, "反馈")
    report = page.locator("section", has=page.get_by_role("heading", name="结果反馈"))
    submit(
        page,
        report,
        {"结果反馈": "北门 6 盏太阳能路灯已于本月安装完成，感谢居民参与。"},
        "发布结果反馈",
    )
    assert "结果反馈已发布" in page.content()

    # The proposer sees what became of her topic, step by step, and rates it.
    sign_in(page, live_server, "resident")
    page.goto(f"{live_server.url}/portal/consultations/")
    page.get_by_role("link", name="小区北门加装路灯").click()
    progress_region = page.get_by_role("region", name="协商进展")
    text = progress_region.inner_text()
    assert "北门 6 盏太阳能路灯已于本月安装完成" in text
    assert "赞成 61，反对 11，弃权 6" in text
    assert "一楼住户担心灯光影响休息" in text  # the minority opinion is public too
    timeline = progress_region.locator(".cs-timeline").inner_text()
    for step in ("采纳", "会议安排", "会议决定", "落实事项", "落实进展", "结果反馈"):
        assert step in timeline
    page.get_by_label("非常满意").check()
    page.get_by_role("button", name="提交评价").click()
    page.wait_for_load_state()
    assert "您的评价：非常满意" in page.content()
    assert consultation.ratings.get().rating == 5


def test_a_resident_votes_once_in_a_community_poll(
    page: Any, live_server: Any, personas: Personas
) -> None:
    page.on("dialog", lambda dialog: dialog.accept())  # 投票后不能修改，确定提交吗？
    link_record(personas.resident, "乌云")
    now = timezone.now()
    poll = poll_actions.do_save_poll(
        region=COMMUNITY_A,
        title="小区停车位划线方案",
        question="东门空地是否划为居民停车位？",
        options=["同意", "不同意", "弃权"],
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=3),
        actor=personas.staff_a,
    )
    poll_actions.do_open_poll(poll, actor=personas.staff_a)

    sign_in(page, live_server, "resident")
    page.goto(f"{live_server.url}/portal/polls/")
    page.get_by_role("link", name="小区停车位划线方案").click()
    page.get_by_label("同意", exact=True).check()
    page.get_by_role("button", name="提交投票").click()
    page.wait_for_load_state()
    assert "已投票" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="提交投票").count() == 0  # no second ballot offered

    # Going back to the list shows it as voted, and the poll page still offers no ballot.
    page.goto(f"{live_server.url}/portal/polls/")
    assert "已投票" in page.locator("main").inner_text()
    page.get_by_role("link", name="小区停车位划线方案").click()
    assert page.get_by_role("button", name="提交投票").count() == 0
    assert Poll.objects.get().turnout.count() == 1
