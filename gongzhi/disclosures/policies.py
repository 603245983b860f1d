"""The disclosure schedule as data (DESIGN rule 5, R2.3f).

村民委员会组织法（2010年修订，2018年修正）第三十条: 村务公开 "一般事项至少每季度公布一次；
集体财务往来较多的，财务收支情况应当每月公布一次；涉及村民利益的重大事项应当随时公布。"
The residents' committee law (城市居民委员会组织法, revised 2025-10-28, in force
2026-01-01) puts 居务公开 on the same footing; R2.3f asks for it in every community.
The league applies the monthly finance rule to every community (the issue's default), and
the law names no number of days for "随时" nor a deadline after a period ends: those two
are the platform's own settings, marked as such, which the league changes on the rules
page with its own source when it adopts measures of its own.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from gongzhi.policy.registry import Kind, Policy, Version

LAW_IN_FORCE = date(2010, 10, 28)
VILLAGERS_LAW_ART_30 = "《中华人民共和国村民委员会组织法》（2018年修正）第三十条；R2.3f"

GENERAL_INTERVAL = "disclosure.general.interval_months"
FINANCE_INTERVAL = "disclosure.finances.interval_months"
MAJOR_WITHIN_DAYS = "disclosure.major.within_days"
GRACE_DAYS = "disclosure.period.grace_days"
SIGN_OFFS_REQUIRED = "disclosure.sign_offs.required"

POLICIES = [
    Policy(
        key=GENERAL_INTERVAL,
        label=_("一般事项的公开周期"),
        kind=Kind.MONTHS,
        help_text=_("决策事项及落实、救灾救助和补贴补助、协助政府工作事项、群众关心的其他事项"),
        versions=[
            Version(
                3, LAW_IN_FORCE, source="“一般事项至少每季度公布一次”：" + VILLAGERS_LAW_ART_30
            ),
        ],
    ),
    Policy(
        key=FINANCE_INTERVAL,
        label=_("财务收支的公开周期"),
        kind=Kind.MONTHS,
        versions=[
            Version(
                1,
                LAW_IN_FORCE,
                source="“财务收支情况应当每月公布一次”："
                + VILLAGERS_LAW_ART_30
                + "（法律对集体财务往来较多的村作此要求，本平台默认对所有社区适用）",
            ),
        ],
    ),
    Policy(
        key=MAJOR_WITHIN_DAYS,
        label=_("重大事项自决定之日起的公开期限"),
        kind=Kind.DAYS,
        versions=[
            Version(
                5,
                LAW_IN_FORCE,
                source="法律规定“涉及村民利益的重大事项应当随时公布”（"
                + VILLAGERS_LAW_ART_30
                + "），未规定天数；5 天为本平台默认设置，盟、旗县可另行设定",
            ),
        ],
    ),
    Policy(
        key=GRACE_DAYS,
        label=_("公开期间结束后应在多少天内公开"),
        kind=Kind.DAYS,
        help_text=_("例如 10 表示每月的财务收支在次月 10 日前公开"),
        versions=[
            Version(
                10,
                LAW_IN_FORCE,
                source="法律未规定期间结束后的公开期限；10 天为本平台默认设置，盟、旗县可另行设定",
            ),
        ],
    ),
    Policy(
        key=SIGN_OFFS_REQUIRED,
        label=_("公开前须签字审核的监督委员会成员人数"),
        kind=Kind.INTEGER,
        versions=[
            Version(
                1,
                LAW_IN_FORCE,
                source="村务监督委员会负责监督村务公开（《中华人民共和国村民委员会组织法》"
                "第三十二条），法律未规定签字人数；1 人为本平台默认设置",
            ),
        ],
    ),
]
