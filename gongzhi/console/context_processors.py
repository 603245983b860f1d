"""What every console page needs: the module navigation and the jurisdiction switcher."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from gongzhi.accounts.models import Role
from gongzhi.regions.models import CODE_LENGTH, Level, Region


@dataclass(frozen=True)
class Module:
    """A console module the user may open: where it is and what it is for."""

    url_name: str
    label: str
    description: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


def modules_for(user: Any) -> list[Module]:
    """The modules ``user`` may use, in menu order (without the home page).

    The navigation and the quick links of the home page both come from here, so a
    module shows up in one place exactly when it shows up in the other.
    """
    candidates: list[tuple[Module, bool]] = [
        (
            Module(
                "regions:tree",
                _("区划与网格"),
                _(
                    "盟、旗县市、苏木乡镇街道、嘎查村社区直至网格、小区、楼栋；按名称、拼音或代码查找"
                ),
            ),
            user.has_jurisdiction,
        ),
        (
            Module(
                "residents:list",
                _("实有人口"),
                _("户与居民的登记、迁移、合并；按姓名、拼音、证件号码或电话后几位查找"),
            ),
            user.has_perm("residents.view_resident"),
        ),
        (
            Module(
                "cases:inbox",
                _("办件"),
                _("待受理、待派遣、办理中、待核查和临期超期办件；一窗受理、网格事件上报、我的消息"),
            ),
            user.has_perm("cases.work_cases"),
        ),
        (
            Module(
                "dashboards:indicators",
                _("办件统计"),
                _("按辖区分列的立案率、按期结案率、返工率、超期、办理时长和满意率，可查看对应办件"),
            ),
            user.has_perm("cases.view_indicators"),
        ),
        (
            Module(
                "outreach:index",
                _("流动服务与供需对接"),
                _("流动服务车和代办点的线路、服务点与日程；居民需求与服务供给的对接"),
            ),
            user.has_perm("outreach.use_console"),
        ),
        (
            Module(
                "consultations:index",
                _("议事协商"),
                _("居民议题的审核、协商阶段、会议表决、落实事项和结果反馈"),
            ),
            user.has_perm("consultations.use_console"),
        ),
        (
            Module(
                "polls:list",
                _("社区投票"),
                _("网上和纸质投票、一人一票、无记名投票；投票站计票、投票人名单和结果公布"),
            ),
            user.has_perm("polls.use_console"),
        ),
        (
            Module(
                "opinions:index",
                _("意见地图"),
                _("居民对观点表态并提出观点；按表态分组，看到各组的代表性观点、少数意见和共同点"),
            ),
            user.has_perm("opinions.use_console"),
        ),
        (
            Module(
                "disclosures:index",
                _("居务公开"),
                _("公开事项的起草、监督委员会审核、公开与更正；居民提问答复；按期公开情况"),
            ),
            user.has_perm("disclosures.use_console"),
        ),
        (
            Module(
                "elections:index",
                _("委员会选举"),
                _("换届选举部署、选民名单、委托投票、候选人、计票单双人录入、计票、结果确认与移交"),
            ),
            user.has_perm("elections.use_console"),
        ),
        (
            Module(
                "organisations:list",
                _("组织机构"),
                _("职能部门、街道办事处、居（村、嘎查）民委员会及其成员、基层党组织"),
            ),
            user.has_perm("organisations.view_organisation"),
        ),
        (
            Module(
                "accounts:user_list",
                _("账号与角色"),
                _("创建和停用账号，授予角色，设定辖区，解除锁定"),
            ),
            user.has_perm("accounts.view_user"),
        ),
        (
            Module(
                "ledger:event_list",
                _("审计日志"),
                _("查阅、筛选和导出全部操作记录，核验记录未被篡改"),
            ),
            user.has_perm("ledger.view_event"),
        ),
        (
            Module(
                "policy:list",
                _("法定规则"),
                _("到会人数、表决比例、公开周期等法定规则的现行版本及其依据"),
            ),
            user.has_perm("policy.view_policy"),
        ),
        (
            Module(
                "core:task_list",
                _("我的任务"),
                _("导入、导出、核验等后台任务的进度和结果"),
            ),
            True,
        ),
    ]
    return [module for module, allowed in candidates if allowed]


def _nav(request: HttpRequest) -> list[dict[str, Any]]:
    home = reverse("console:home")
    path = request.path
    nav = [{"url": home, "label": _("工作台"), "active": path == home}]
    for module in modules_for(request.user):
        url = module.url
        nav.append({"url": url, "label": module.label, "active": path.startswith(url)})
    return nav


def _switcher(user: Any, active: str, active_region: Region | None) -> list[dict[str, str]]:
    """The account's own region and the divisions under it, down to township level.

    Community-level choices would make the list too long for a county; a county
    administrator narrows to a township here and to a community from the region tree.
    A scope narrowed that way still shows as the selected choice.
    """
    if user.region is None or user.region.level >= Level.COMMUNITY:
        return []
    everything = _("全部（%(name)s）") % {"name": user.region.name}
    options = [{"region_code": user.region_code, "label": everything}]
    below = (
        Region.objects.within(user.region_code)
        .filter(level__lte=Level.TOWNSHIP, level__gt=user.region.level, is_active=True)
        .order_by("region_code")
        .only("region_code", "name", "level")
    )
    for region in below:
        indent = "　" * (region.level - user.region.level)
        options.append({"region_code": region.region_code, "label": f"{indent}{region.name}"})
    if active_region is not None and all(o["region_code"] != active for o in options):
        indent = "　" * (active_region.level - user.region.level)
        options.append({"region_code": active, "label": f"{indent}{active_region.name}"})
    return options


def _scope_path(user: Any, active: str) -> list[Region]:
    """The divisions from the account's own region down to the active scope (one query)."""
    own = user.region_code
    codes = [active[:n] for n in CODE_LENGTH.values() if len(own) <= n <= len(active)]
    by_code = {
        r.region_code: r
        for r in Region.objects.filter(region_code__in=codes).only("region_code", "name", "level")
    }
    return [by_code[c] for c in codes if c in by_code]


def console(request: HttpRequest) -> dict[str, Any]:
    """``console``: navigation, switcher and scope, built only when a template reads them.

    Partial responses (htmx fragments, progress polling) never touch ``console`` and so
    cost no queries.
    """
    # Error pages may render for a request that never reached the authentication middleware.
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not request.path.startswith("/console/"):
        return {}
    return {"console": SimpleLazyObject(lambda: _console(request, user))}


def _console(request: HttpRequest, user: Any) -> dict[str, Any]:
    if not user.has_jurisdiction:
        return {"nav": _nav(request), "role_labels": _role_labels(user)}
    active = getattr(user, "active_scope", "") or user.region_code
    path = _scope_path(user, active)
    active_region = path[-1] if path and path[-1].region_code == active else None
    nav = _nav(request)
    return {
        "nav": nav,
        # After a switch, go back to the module's first page: a detail page of the
        # old scope may lie outside the new one.
        "section_url": next((item["url"] for item in nav if item["active"]), nav[0]["url"]),
        "switcher": _switcher(user, active, active_region),
        "active_scope": active,
        "scope_name": active_region.name if active_region else "",
        "scope_path": [region.name for region in path],
        "narrowed": active != user.region_code,
        "role_labels": _role_labels(user),
        "unread_messages": SimpleLazyObject(lambda: _unread_messages(user)),
    }


def _unread_messages(user: Any) -> int:
    """Unread case messages for the header badge: one query, only for case workers and
    only when the header is drawn."""
    from gongzhi.cases.queries import unread_count

    return unread_count(user) if user.has_perm("cases.work_cases") else 0


def _role_labels(user: Any) -> list[str]:
    return [str(Role(role).label) for role in sorted(user.roles)]
