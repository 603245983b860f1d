"""Forms of the election console. They parse input; the rules are the actions'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gongzhi.elections import ballots
from gongzhi.elections.actions import NEAR_RELATIVES
from gongzhi.elections.enums import (
    CandidatePost,
    CommitteeRole,
    ElectionKind,
    ElectionMode,
    EntryMode,
    RecallBasis,
    RequestKind,
    StationKind,
)
from gongzhi.elections.models import BALLOTS_PER_BUNDLE
from gongzhi.organisations.models import COMMITTEE_KINDS, Organisation

DATE = forms.DateInput(attrs={"type": "date"})


def add_action_errors(form: forms.Form, error: ValidationError) -> None:
    """Put an action's errors beside the fields they name, the rest at the top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class ScheduleForm(forms.Form):
    committee = forms.ModelChoiceField(label=_("委员会"), queryset=Organisation.objects.none())
    kind = forms.ChoiceField(label=_("选举类别"), choices=ElectionKind.choices)
    mode = forms.ChoiceField(
        label=_("选举方式"),
        choices=ElectionMode.choices,
        initial=ElectionMode.DIRECT,
        required=False,
        help_text=_(
            "村（嘎查）民委员会由村民直接选举；居民委员会也可由户代表或居民小组代表选举（R2.3d：扩大直接选举覆盖面）"
        ),
    )
    election_day = forms.DateField(label=_("选举日"), widget=DATE)
    seats_director = forms.IntegerField(label=_("应选主任"), min_value=0, max_value=1, initial=1)
    seats_deputy = forms.IntegerField(label=_("应选副主任"), min_value=0, max_value=9, initial=1)
    seats_member = forms.IntegerField(label=_("应选委员"), min_value=0, max_value=9, initial=3)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["committee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Organisation.objects.for_user(user)
            .filter(kind__in=COMMITTEE_KINDS, is_active=True)
            .order_by("region_code")
        )


class RescheduleForm(forms.Form):
    election_day = forms.DateField(label=_("新的选举日"), widget=DATE)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=500)


class AppointForm(forms.Form):
    person_name = forms.CharField(label=_("姓名"), max_length=50)
    role = forms.ChoiceField(label=_("职务"), choices=CommitteeRole.choices)
    resident = forms.IntegerField(
        label=_("居民档案编号"),
        required=False,
        help_text=_("填写后，此人被提名为候选人时自动退出选举委员会"),
    )


class ListRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=RequestKind.choices)
    resident = forms.IntegerField(label=_("所涉居民的居民档案编号"))
    filed_by = forms.CharField(label=_("申请人/申诉人"), max_length=50)
    reason = forms.CharField(
        label=_("理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    meeting_approved_on = forms.DateField(
        label=_("会议同意日期"),
        required=False,
        widget=DATE,
        help_text=_("户籍不在本社区、居住一年以上的居民申请登记时填写"),
    )


class DecideForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("处理结果"),
        choices=[("1", _("成立，更正名单")), ("0", _("不成立"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("处理意见"), max_length=500)


class ProxyForm(forms.Form):
    grantor = forms.IntegerField(label=_("委托人的选民编号"))
    holder = forms.IntegerField(label=_("受委托人的选民编号"))
    relationship = forms.ChoiceField(label=_("亲属关系"), choices=[(r, r) for r in NEAR_RELATIVES])


class NominateForm(forms.Form):
    voter = forms.IntegerField(label=_("被提名人的选民编号"))
    post = forms.ChoiceField(label=_("竞选职务"), choices=CandidatePost.choices)
    nominations = forms.IntegerField(label=_("联名提名的选民人数"), min_value=1)


class StationForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=50)
    kind = forms.ChoiceField(label=_("类别"), choices=StationKind.choices)
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    grid = forms.IntegerField(label=_("服务的网格编号"), required=False)
    entry_mode = forms.ChoiceField(
        label=_("录入方式"),
        choices=EntryMode.choices,
        initial=EntryMode.SHEET,
        help_text=_("录入本站的纸质计票单，或逐张录入本站的每一张选票（二者择一）"),
    )


class BundleForm(forms.Form):
    """A bundle of paper ballots: its number, its count, and one line per ballot."""

    number = forms.IntegerField(label=_("捆号"), min_value=1, max_value=9999)
    count = forms.IntegerField(
        label=_("本捆张数"),
        min_value=1,
        max_value=BALLOTS_PER_BUNDLE,
        help_text=_("按捆签上的张数填写，每捆最多 50 张"),
    )
    lines = forms.CharField(
        label=_("选票（每行一张）"),
        widget=forms.Textarea(attrs={"rows": 20, "spellcheck": "false", "autocomplete": "off"}),
        help_text=_(
            "按捆内顺序，每张选票一行：所选候选人的编号，用空格分隔；另选他人每人一个 +；"
            "弃权票录入 0；作废票录入 x"
        ),
    )

    def __init__(self, *args: Any, candidates: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        self.papers: list[ballots.PaperBallot] = []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "lines" not in data:
            return data
        papers, problems = ballots.parse_lines(data["lines"], self.candidates)
        for problem in problems:
            self.add_error("lines", problem)
        if not problems and data.get("count") and len(papers) != data["count"]:
            message = _("录入了 %(n)d 张，与本捆张数 %(c)d 不符")
            self.add_error("lines", message % {"n": len(papers), "c": data["count"]})
        self.papers = papers
        return data


class SheetForm(forms.Form):
    """A tally sheet: the ballot counts and one field per candidate on this round's ballot."""

    ballots_issued = forms.IntegerField(label=_("发出选票"), min_value=0)
    ballots_cast = forms.IntegerField(label=_("收回选票"), min_value=0)
    ballots_invalid = forms.IntegerField(label=_("无效票"), min_value=0)
    other_votes = forms.IntegerField(label=_("另选他人得票"), min_value=0, initial=0)

    def __init__(self, *args: Any, candidates: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        for candidate in candidates:
            self.fields[f"votes_{candidate.pk}"] = forms.IntegerField(
                label=f"{candidate.name}（{candidate.get_post_display()}）", min_value=0, initial=0
            )

    def votes(self) -> dict[int, int]:
        return {c.pk: int(self.cleaned_data[f"votes_{c.pk}"]) for c in self.candidates}


class CertifyForm(forms.Form):
    acknowledge_breaches = forms.BooleanField(
        label=_("已知晓上述构成问题，仍确认选举结果"), required=False
    )


class HandoverForm(forms.Form):
    handover_on = forms.DateField(label=_("移交完成日"), widget=DATE)
    note = forms.CharField(
        label=_("移交情况"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class RecallForm(forms.Form):
    membership = forms.IntegerField(
        label=_("被罢免成员的任职编号"), help_text=_("见组织机构中该委员会的成员列表")
    )
    basis = forms.ChoiceField(label=_("提议方式"), choices=RecallBasis.choices)
    base = forms.IntegerField(label=_("有权联名的总人数"), min_value=1)
    signatures = forms.IntegerField(label=_("联名人数"), min_value=0)
    reason = forms.CharField(
        label=_("罢免理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class RecallVoteForm(forms.Form):
    registered = forms.IntegerField(label=_("登记选民"), min_value=1)
    ballots_cast = forms.IntegerField(label=_("收回选票"), min_value=0)
    votes_for = forms.IntegerField(label=_("赞成罢免"), min_value=0)


class OwnProxyForm(forms.Form):
    """A voter's own proxy, filed on the portal."""

    holder_name = forms.CharField(label=_("受委托人姓名"), max_length=50)
    holder_id_number = forms.CharField(label=_("受委托人身份证号"), max_length=18)
    relationship = forms.ChoiceField(
        label=_("与您的关系"), choices=[(r, r) for r in NEAR_RELATIVES]
    )
