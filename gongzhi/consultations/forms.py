"""HTML forms of consultations. They collect and parse input; the actions validate it,
and their Chinese field errors are put back beside the inputs (``add_action_errors``)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.enums import Rating
from gongzhi.cases.forms import ConsoleForm, add_action_errors
from gongzhi.consultations.decisions import quorum_bases
from gongzhi.consultations.enums import (
    BaseKind,
    CommentKind,
    ConsultationForm,
    Feature,
    ItemStatus,
    ParticipantCategory,
    TopicStatus,
)
from gongzhi.consultations.models import Consultation, Meeting, Topic
from gongzhi.core.scoping import scope_of
from gongzhi.regions.models import CODE_LENGTH, Level, Region

__all__ = ["add_action_errors"]

MAX_CHOICES = 500


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class _PageForm(ConsoleForm):
    """A form that shares its page with others (the topic, consultation and meeting pages
    carry several): ids carry the form's name, so that no two inputs share an id and each
    label points at its own input."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{type(self).__name__.lower()}_%s")
        super().__init__(*args, **kwargs)


class TopicForm(_PageForm):
    title = forms.CharField(label=_("议题"), max_length=100)
    description = forms.CharField(
        label=_("议题说明"),
        widget=_textarea(5),
        help_text=_("说清楚是什么问题、在哪里、希望怎样解决"),
    )


class RaiseTopicForm(TopicForm):
    community = forms.ChoiceField(label=_("所在社区"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        communities = (
            Region.objects.within(scope_of(user))
            .filter(level=Level.COMMUNITY, is_active=True)
            .order_by("region_code")
            .only("region_code", "name")[:MAX_CHOICES]
        )
        cast(forms.ChoiceField, self.fields["community"]).choices = [("", "—")] + [
            (r.region_code, f"{r.name}（{r.region_code}）") for r in communities
        ]


def _neighbours(topic: Topic) -> list[tuple[str, str]]:
    """Other communities of the topic's county: what a matter may also touch."""
    county = topic.region_code[: CODE_LENGTH[Level.COUNTY]]
    rows = (
        Region.objects.within(county)
        .filter(level=Level.COMMUNITY, is_active=True)
        .exclude(region_code=topic.region_code)
        .order_by("region_code")
        .only("region_code", "name")[:MAX_CHOICES]
    )
    return [(r.region_code, f"{r.name}（{r.region_code}）") for r in rows]


class AcceptForm(_PageForm):
    form = forms.ChoiceField(label=_("协商形式"), choices=ConsultationForm.choices)
    title = forms.CharField(label=_("协商事项"), max_length=100, required=False)
    affected = forms.MultipleChoiceField(
        label=_("涉及的其他社区"),
        required=False,
        help_text=_("涉及两个以上社区的，由街道（苏木乡镇）牵头协商（R3.1a）"),
    )

    def __init__(self, *args: Any, topic: Topic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["affected"]).choices = _neighbours(topic)
        if topic.status == TopicStatus.ROUTED:
            self.initial.setdefault("affected", topic.affected_region_codes)


class RouteForm(_PageForm):
    affected = forms.MultipleChoiceField(label=_("涉及的其他社区"))
    note = forms.CharField(label=_("说明"), max_length=500, required=False)

    def __init__(self, *args: Any, topic: Topic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["affected"]).choices = _neighbours(topic)


class DeclineForm(_PageForm):
    reason = forms.CharField(
        label=_("不予协商的理由"),
        max_length=500,
        widget=_textarea(2),
        help_text=_("提出人会看到这个理由"),
    )


class CommentForm(_PageForm):
    body = forms.CharField(label=_("内容"), max_length=2000, widget=_textarea(3))
    kind = forms.ChoiceField(
        label=_("类别"), choices=CommentKind.choices, initial=CommentKind.COMMENT, required=False
    )


class FeaturesForm(_PageForm):
    phase = forms.CharField(widget=forms.HiddenInput)
    features = forms.MultipleChoiceField(
        label=_("开放的功能"),
        choices=Feature.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ParticipantForm(_PageForm):
    category = forms.ChoiceField(label=_("类别"), choices=ParticipantCategory.choices)
    name = forms.CharField(label=_("姓名"), max_length=50)
    affiliation = forms.CharField(label=_("单位或身份"), max_length=100, required=False)


class MeetingForm(_PageForm):
    title = forms.CharField(label=_("会议名称"), max_length=100)
    form = forms.ChoiceField(label=_("会议形式"), choices=ConsultationForm.choices)
    starts_at = forms.DateTimeField(
        label=_("召开时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    place = forms.CharField(label=_("地点"), max_length=200)
    agenda = forms.CharField(label=_("议程"), widget=_textarea(4))


class AttendanceForm(_PageForm):
    base_kind = forms.ChoiceField(label=_("应到人数口径"))
    base_count = forms.IntegerField(label=_("应到人数"), min_value=0)
    present_count = forms.IntegerField(label=_("实到人数"), min_value=0)
    attended = forms.MultipleChoiceField(
        label=_("出席的报名居民"), required=False, widget=forms.CheckboxSelectMultiple
    )
    minutes = forms.CharField(label=_("会议纪要"), widget=_textarea(5), required=False)

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["base_kind"]).choices = [
            (kind, BaseKind(kind).label) for kind in quorum_bases(meeting.form)
        ]
        cast(forms.ChoiceField, self.fields["attended"]).choices = [
            (str(r.pk), r.name) for r in meeting.registrations.order_by("id")
        ]


class DecisionForm(_PageForm):
    motion = forms.CharField(label=_("表决事项"), max_length=500)
    votes_for = forms.IntegerField(label=_("赞成"), min_value=0)
    votes_against = forms.IntegerField(label=_("反对"), min_value=0)
    votes_abstain = forms.IntegerField(label=_("弃权"), min_value=0)
    decision_text = forms.CharField(label=_("决定内容"), widget=_textarea(3), required=False)
    minority_opinion = forms.CharField(
        label=_("少数意见"),
        widget=_textarea(3),
        required=False,
        help_text=_("反对或保留意见及其理由，与多数意见一并记录和公开（R3.1d）"),
    )


class ItemForm(_PageForm):
    meeting = forms.ChoiceField(label=_("依据的会议决定"))
    title = forms.CharField(label=_("落实事项"), max_length=200)
    owner_name = forms.CharField(label=_("责任人或责任单位"), max_length=100)
    deadline = forms.DateField(label=_("完成期限"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, consultation: Consultation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["meeting"]).choices = [
            (str(m.pk), f"{m.title}：{m.motion}")
            for m in consultation.meetings.filter(outcome="adopted").order_by("id")
        ]


class ItemUpdateForm(_PageForm):
    progress = forms.IntegerField(label=_("进度（%）"), min_value=0, max_value=100)
    status = forms.ChoiceField(label=_("状态"), choices=ItemStatus.choices)
    note = forms.CharField(label=_("进展说明"), widget=_textarea(3))
    evidence = forms.CharField(
        label=_("佐证材料"),
        widget=_textarea(2),
        required=False,
        help_text=_("文字说明或链接，每行一条"),
    )


class ReportForm(_PageForm):
    report = forms.CharField(label=_("结果反馈"), widget=_textarea(4))


class RatingForm(_PageForm):
    rating = forms.TypedChoiceField(
        label=_("评价"),
        choices=Rating.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("评价意见"), max_length=500, required=False)
