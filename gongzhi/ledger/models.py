"""The audit ledger (审计日志): append-only, hash-chained events.

Each event stores the hash of the one before it, so an edit, a deletion or a change of
order anywhere breaks the chain at that point (``manage.py verify_ledger``). Appends are
serialised by locking the single ``LedgerHead`` row, which also hands out the sequence
numbers: the sequence has no gaps, so a missing number is a deleted event.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import ScopedQuerySet


class EventType(models.IntegerChoices):
    """Event types, numbered by area: 1xxx authentication, 2xxx accounts, 3xxx regions,
    4xxx personal data, 5xxx organisations, 6xxx system, 7xxx cases, 80xx-82xx participation
    (consultations, polls, opinion maps, disclosures), 84xx rules of law, 85xx elections.
    Numbers are never reused."""

    LOGIN = 1001, _("登录成功")
    LOGIN_FAILED = 1002, _("登录失败")
    LOCKOUT = 1003, _("账号锁定")
    LOGOUT = 1004, _("退出登录")
    SESSION_TIMEOUT = 1005, _("会话超时")
    TOKEN_ISSUED = 1010, _("签发 API 令牌")
    TOKEN_REVOKED = 1011, _("吊销 API 令牌")
    OTP_ENROLLED = 1020, _("绑定动态口令")
    OTP_FAILED = 1021, _("动态口令错误")
    PERMISSION_DENIED = 1030, _("越权访问被拒绝")
    PASSWORD_CHANGED = 1040, _("修改密码")
    USER_CREATED = 2001, _("创建账号")
    USER_UPDATED = 2002, _("修改账号")
    USER_DISABLED = 2003, _("停用账号")
    USER_ENABLED = 2004, _("启用账号")
    ROLE_GRANTED = 2010, _("授予角色")
    ROLE_REVOKED = 2011, _("收回角色")
    JURISDICTION_CHANGED = 2020, _("变更辖区")
    PASSWORD_RESET = 2030, _("重置密码")
    LOCKOUT_CLEARED = 2031, _("解除锁定")
    REGIONS_LOADED = 3001, _("导入行政区划")
    GRID_SAVED = 3010, _("保存网格")
    COMPOUND_SAVED = 3020, _("保存小区")
    BUILDING_SAVED = 3030, _("保存楼栋")
    PII_UNMASKED = 4001, _("查看未脱敏个人信息")
    HOUSEHOLD_REGISTERED = 4010, _("登记户")
    RESIDENT_REGISTERED = 4020, _("登记居民")
    RESIDENT_UPDATED = 4021, _("修改居民信息")
    RESIDENT_MOVED = 4022, _("居民迁移")
    RESIDENT_DEPARTED = 4023, _("登记迁出或死亡")
    RESIDENTS_MERGED = 4024, _("合并重复居民记录")
    RESIDENTS_IMPORTED = 4025, _("批量导入居民")
    VISIT_RECORDED = 4030, _("记录走访")
    MIGRANT_DETAILS_UPDATED = 4031, _("修改流动人口信息")
    PARTY_MEMBERSHIP_SET = 4040, _("修改党员信息")
    TAG_SAVED = 4050, _("保存标签")
    TAG_DEACTIVATED = 4051, _("停用标签")
    TAG_ACTIVATED = 4052, _("启用标签")
    RESIDENT_ACCOUNT_LINKED = 4060, _("关联门户账号")
    RESIDENT_ACCOUNT_UNLINKED = 4061, _("解除门户账号关联")
    ORGANISATION_SAVED = 5001, _("保存组织")
    MEMBER_SAVED = 5010, _("保存组织成员")
    MEMBER_REMOVED = 5011, _("移除组织成员")
    LEDGER_EXPORTED = 6001, _("导出审计日志")
    LEDGER_VERIFIED = 6002, _("校验审计链")
    LEDGER_ARCHIVED = 6003, _("归档审计日志")
    SETTING_CHANGED = 6010, _("修改系统设置")
    DEMO_DATA_CREATED = 6020, _("生成演示数据")
    CASE_SUBMITTED = 7001, _("提交办件")
    CASE_ACCEPTED = 7002, _("受理办件")
    CASE_REFUSED = 7003, _("不予受理办件")
    CASE_DISPATCHED = 7004, _("派遣办件")
    CASE_FEEDBACK = 7005, _("办件处置反馈")
    CASE_CLOSED = 7006, _("办件核查结案")
    CASE_REWORKED = 7007, _("办件返工")
    CASE_ESCALATED = 7008, _("办件上报")
    CASE_DEFERRED = 7009, _("办件挂账")
    CASE_RESUMED = 7010, _("办件恢复办理")
    CASE_EXTENSION_REQUESTED = 7011, _("申请办件延期")
    CASE_EXTENSION_DECIDED = 7012, _("审批办件延期")
    CASE_MERGED = 7013, _("办件并单")
    CASE_REOPENED = 7014, _("办件重新办理")
    CASE_RATED = 7015, _("办件评价")
    CASES_SWEPT = 7020, _("办件期限巡检")
    CASE_CATEGORIES_SEEDED = 7030, _("初始化办件事项")
    OPEN311_KEY_ISSUED = 7060, _("签发 Open311 接口密钥")
    OPEN311_KEY_REVOKED = 7061, _("吊销 Open311 接口密钥")
    CASE_CATEGORY_SAVED = 7040, _("保存办件事项")
    CASE_CATEGORY_DEACTIVATED = 7041, _("停用办件事项")
    CASE_FILES_ATTACHED = 7050, _("上传办件附件")
    # 7070–7089 outreach: mobile service (R3.2a) and supply and demand (R3.2b).
    OUTREACH_ROUTE_SAVED = 7070, _("保存流动服务线路")
    OUTREACH_STOP_SAVED = 7071, _("保存流动服务点")
    OUTREACH_VISIT_SCHEDULED = 7072, _("排定流动服务")
    OUTREACH_VISIT_CANCELLED = 7073, _("取消流动服务")
    SERVICE_NEED_POSTED = 7080, _("发布服务需求")
    SERVICE_OFFER_POSTED = 7081, _("发布服务供给")
    SERVICE_MATCHED = 7082, _("供需对接")
    SERVICE_NEED_TO_CASE = 7083, _("服务需求转办件")
    SERVICE_NEED_CLOSED = 7084, _("关闭服务需求")
    SERVICE_OFFER_WITHDRAWN = 7085, _("撤回服务供给")
    # 8000–8099 consultations (议事协商, R2.3e, R3.1a–R3.1d): topics to reported outcomes.
    TOPIC_PROPOSED = 8001, _("提出议题")
    TOPIC_SUPPORTED = 8002, _("附议议题")
    TOPIC_COMMENTED = 8003, _("对议题发表意见")
    TOPIC_ROUTED = 8004, _("议题转街道牵头")
    TOPIC_ACCEPTED = 8005, _("议题纳入协商")
    TOPIC_DECLINED = 8006, _("议题不予协商")
    CONSULTATION_PHASE_ADVANCED = 8010, _("协商进入下一阶段")
    CONSULTATION_FEATURES_SET = 8011, _("调整协商阶段功能")
    CONSULTATION_REPORTED = 8012, _("发布协商结果反馈")
    PARTICIPANT_INVITED = 8020, _("邀请协商参与人员")
    MEETING_SCHEDULED = 8030, _("安排协商会议")
    MEETING_REGISTERED = 8031, _("报名参加协商会议")
    MEETING_ATTENDANCE_RECORDED = 8032, _("登记协商会议出席")
    MEETING_DECISION_RECORDED = 8033, _("记录协商会议决定")
    IMPLEMENTATION_ITEM_CREATED = 8040, _("创建落实事项")
    IMPLEMENTATION_PROGRESS_UPDATED = 8041, _("更新落实进展")
    OUTCOME_RATED = 8050, _("评价协商落实情况")
    # 8100–8149 polls (社区投票, R2.3e): online and paper, one person one vote.
    POLL_SAVED = 8100, _("保存投票")
    POLL_OPENED = 8101, _("开始投票")
    POLL_CLOSED = 8102, _("截止投票")
    POLL_RESULTS_PUBLISHED = 8103, _("公布投票结果")
    POLL_VOTE_CAST = 8104, _("网上投票")
    POLL_BOOTH_SAVED = 8105, _("设立投票站")
    POLL_PAPER_VOTER_MARKED = 8106, _("登记纸质投票人")
    POLL_PAPER_VOTER_UNMARKED = 8107, _("撤销纸质投票登记")
    POLL_BOOTH_COUNTED = 8108, _("录入投票站计票")
    # 8150–8199 意见地图 (R3.1d, R2.3e): conversations, statements, votes, computed maps.
    OPINION_CONVERSATION_CREATED = 8150, _("创建意见地图")
    OPINION_CONVERSATION_EDITED = 8151, _("修改意见地图")
    OPINION_CONVERSATION_CLOSED = 8152, _("结束意见地图征集")
    OPINION_CONVERSATION_REOPENED = 8153, _("重新开放意见地图")
    OPINION_STATEMENT_ADDED = 8155, _("提出观点")
    OPINION_STATEMENT_EDITED = 8156, _("修改观点")
    OPINION_STATEMENT_MODERATED = 8157, _("审核观点")
    OPINION_VOTED = 8160, _("对观点表态")
    OPINION_MAP_COMPUTED = 8165, _("计算意见地图")
    # 8200–8299 居务公开 (R2.3f): disclosures, their review and residents' questions.
    DISCLOSURE_DRAFTED = 8200, _("起草公开事项")
    DISCLOSURE_EDITED = 8201, _("修改公开事项草稿")
    DISCLOSURE_SUBMITTED = 8202, _("提交公开事项审核")
    DISCLOSURE_SIGNED_OFF = 8203, _("监督委员会审核签字")
    DISCLOSURE_RETURNED = 8204, _("监督委员会退回公开事项")
    DISCLOSURE_PUBLISHED = 8205, _("发布公开事项")
    DISCLOSURE_CORRECTION_DRAFTED = 8206, _("起草公开事项更正")
    DISCLOSURE_DRAFT_DISCARDED = 8207, _("删除公开事项草稿")
    DISCLOSURE_QUESTION_ASKED = 8210, _("居民就公开事项提问")
    DISCLOSURE_QUESTION_ANSWERED = 8211, _("答复居民提问")
    POLICY_VERSION_ADDED = 8400, _("新增规则版本")
    # 8500–8599 committee elections (R2.3d).
    ELECTION_SCHEDULED = 8500, _("部署换届选举")
    ELECTION_EDITED = 8501, _("修改选举安排")
    ELECTION_CANCELLED = 8502, _("取消选举")
    ELECTION_COMMITTEE_APPOINTED = 8503, _("推选选举委员会")
    ELECTION_VOTER_LIST_BUILT = 8510, _("生成选民名单")
    ELECTION_VOTER_LIST_PUBLISHED = 8511, _("公布选民名单")
    ELECTION_LIST_REQUEST_FILED = 8512, _("提出选民登记申请或异议")
    ELECTION_LIST_REQUEST_DECIDED = 8513, _("处理选民登记申请或异议")
    ELECTION_PROXY_RECORDED = 8520, _("登记委托投票")
    ELECTION_PROXY_WITHDRAWN = 8521, _("撤销委托投票")
    ELECTION_CANDIDATE_NOMINATED = 8530, _("登记候选人提名")
    ELECTION_CANDIDATE_WITHDRAWN = 8531, _("候选人退出")
    ELECTION_CANDIDATES_PUBLISHED = 8532, _("公布正式候选人")
    ELECTION_STATION_SAVED = 8540, _("设立选举投票站")
    ELECTION_SHEET_ENTERED = 8541, _("录入计票单")
    ELECTION_TALLIED = 8542, _("选举计票")
    ELECTION_FURTHER_ROUND_STARTED = 8543, _("另行选举")
    ELECTION_CERTIFIED = 8550, _("确认选举结果")
    ELECTION_HANDED_OVER = 8551, _("完成工作移交")
    ELECTION_RECALL_PROPOSED = 8560, _("提出罢免")
    ELECTION_RECALL_DECIDED = 8561, _("罢免表决结果")
    ELECTION_BUNDLE_ENTERED = 8570, _("录入选票捆")


class Outcome(models.TextChoices):
    SUCCESS = "success", _("成功")
    DENIED = "denied", _("拒绝")
    FAILED = "failed", _("失败")


# The areas of EventType: the thousands digit of the number.
EVENT_AREAS: dict[int, Any] = {
    1: _("身份认证"),
    2: _("账号与角色"),
    3: _("区划与网格"),
    4: _("个人信息"),
    5: _("组织机构"),
    6: _("系统与审计"),
    7: _("办件"),
    8: _("议事协商、投票、居务公开、选举与法定规则"),
}


def event_area(type_number: int) -> int:
    return int(type_number) // 1000


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove recorded history."""


def _refuse(what: str) -> NoReturn:
    raise AppendOnlyError(
        f"审计事件只能由 record_event 追加，不能{what}（网络安全法第二十一条：日志须完整留存）"
    )


class EventQuerySet(ScopedQuerySet["Event"]):
    """Reads only: every bulk write path of the ORM refuses.

    Inserting goes through ``gongzhi.ledger.chain.record_event``, which holds the head
    lock and computes the hash; nothing in the platform edits or deletes an event.
    """

    def update(self, **kwargs: Any) -> NoReturn:
        _refuse("修改")

    def delete(self) -> NoReturn:
        _refuse("删除")

    def _raw_delete(self, using: Any) -> NoReturn:
        _refuse("删除")

    def bulk_update(self, objs: Any, fields: Any, batch_size: Any = None) -> NoReturn:
        _refuse("修改")

    def bulk_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("批量写入")

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("修改")


class LedgerHead(models.Model):
    """The chain's tip; its row lock serialises appends across processes."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("审计链头")

    def __str__(self) -> str:
        return f"#{self.last_seq}"


class Event(models.Model):
    """审计事件 — one action, login, denial or unmasking.

    Rows are written once, by ``record_event``, and never changed: ``save`` inserts only
    when the chain asks it to, ``delete`` and every bulk write refuse, and on PostgreSQL a
    trigger rejects UPDATE and DELETE from any client (migration 0004).
    """

    seq = models.BigIntegerField(_("序号"), primary_key=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # Snapshots: the event must read the same after the account is renamed or removed.
    actor_username = models.CharField(_("账号"), max_length=150, blank=True)
    actor_roles = models.CharField(_("角色"), max_length=200, blank=True)
    region_code = models.CharField(_("辖区编码"), max_length=21, blank=True)
    type = models.PositiveIntegerField(_("事件类型"), choices=EventType.choices)
    object_type = models.CharField(_("对象类型"), max_length=50, blank=True)
    object_id = models.CharField(_("对象标识"), max_length=64, blank=True)
    outcome = models.CharField(
        _("结果"), max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS
    )
    summary = models.JSONField(_("变更摘要"), default=dict, blank=True)
    client_address = models.GenericIPAddressField(_("客户端地址"), null=True, blank=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64)
    hash = models.CharField(_("本条哈希"), max_length=64, unique=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-seq"]
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["region_code", "seq"], name="event_region_seq"),
            models.Index(fields=["type", "seq"], name="event_type_seq"),
            models.Index(fields=["actor_username", "seq"], name="event_actor_seq"),
            models.Index(fields=["object_type", "object_id", "seq"], name="event_object_seq"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.get_type_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert once, on behalf of ``record_event``; refuse anything else."""
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            _refuse("修改")
        if not getattr(self, "_appended_by_chain", False):
            _refuse("绕过哈希链写入")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("删除")

    @property
    def area(self) -> int:
        return event_area(self.type)
