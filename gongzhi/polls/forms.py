"""HTML forms of polls. They collect and parse input; the actions validate it, and their
Chinese field errors are put back beside the inputs (``add_action_errors``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.forms import ConsoleForm, add_action_errors
from gongzhi.consultations.linking import consultation_choices
from gongzhi.consultations.models import Consultation
from gongzhi.core.scoping import scope_of
from gongzhi.polls.actions import POLL_LEVELS
from gongzhi.polls.enums import ChoiceKind, ResultsVisibility
from gongzhi.polls.models import Booth, Poll
from gongzhi.regions.models import Region

__all__ = ["BoothForm", "BoothResultsForm", "PollForm", "add_action_errors", "poll_initial"]

MAX_REGION_CHOICES = 500
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime_field(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        error_messages={"invalid": _("请填写有效的日期和时间"), "required": _("请填写时间")},
    )


class PollForm(ConsoleForm):
    field_order = ["consultation"]

    region = forms.ChoiceField(label=_("组织单位"))
    title = forms.CharField(label=_("标题"), max_length=100)
    question = forms.CharField(
        label=_("投票事项"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    options = forms.CharField(
        label=_("选项"),
        help_text=_("每行一个选项，2 至 20 个"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    choice_kind = forms.ChoiceField(label=_("选择方式"), choices=ChoiceKind.choices)
    max_choices = forms.IntegerField(
        label=_("最多可选"), required=False, min_value=1, help_text=_("多选时填写")
    )
    opens_at = _datetime_field(_("开始时间"))
    closes_at = _datetime_field(_("截止时间"))
    is_secret = forms.BooleanField(
        label=_("无记名投票"),
        required=False,
        help_text=_("无记名时，系统只记录谁投了票，不记录谁投了什么"),
    )
    results_visibility = forms.ChoiceField(label=_("结果显示"), choices=ResultsVisibility.choices)
    adults_only = forms.BooleanField(label=_("仅限年满十八周岁的居民"), required=False)
    include_migrants = forms.BooleanField(label=_("居住在本地的流动人口可以参加"), required=False)
    requires_turnout = forms.BooleanField(
        label=_("须过半数有投票资格的居民参加，结果方为有效"), required=False
    )
    consultation = forms.ChoiceField(
        label=_("所属协商"),
        required=False,
        help_text=_(
            "关联后，居民只能在该协商开放“参加投票”的阶段投票；组织单位须是该协商的牵头辖区或参与社区"
        ),
    )

    def __init__(
        self, *args: Any, user: Any, consultation: Consultation | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consultation"].choices = consultation_choices(user, consultation)  # type: ignore[attr-defined]
        regions = (
            Region.objects.within(scope_of(user))
            .filter(level__in=POLL_LEVELS, is_active=True)
            .order_by("region_code")
            .only("region_code", "name")[:MAX_REGION_CHOICES]
        )
        self.fields["region"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((r.region_code, f"{r.name}（{r.region_code}）") for r in regions),
        ]

    def option_labels(self) -> list[str]:
        return [line for line in self.cleaned_data["options"].splitlines() if line.strip()]


def poll_initial(poll: Poll | None, consultation: Consultation | None = None) -> dict[str, Any]:
    """A draft's values, or a new poll's defaults (for ``consultation``: linked to it and,
    when it is a community's, organised by that community)."""
    if poll is None:
        initial: dict[str, Any] = {
            "is_secret": True,
            "adults_only": True,
            "include_migrants": True,
            "choice_kind": ChoiceKind.SINGLE,
            "results_visibility": ResultsVisibility.AFTER_CLOSE,
        }
        if consultation is not None:
            initial["consultation"] = str(consultation.pk)
            if not consultation.is_cross_community:
                initial["region"] = consultation.region_code
        return initial
    return {
        "consultation": str(poll.consultation_id) if poll.consultation_id else "",
        "region": poll.region_code,
        "title": poll.title,
        "question": poll.question,
        "options": "\n".join(poll.options.order_by("position").values_list("label", flat=True)),
        "choice_kind": poll.choice_kind,
        "max_choices": poll.max_choices if poll.is_multiple else None,
        "opens_at": poll.opens_at,
        "closes_at": poll.closes_at,
        "is_secret": poll.is_secret,
        "results_visibility": poll.results_visibility,
        "adults_only": poll.adults_only,
        "include_migrants": poll.include_migrants,
        "requires_turnout": poll.requires_turnout,
    }


class BoothForm(ConsoleForm):
    name = forms.CharField(label=_("投票站名称"), max_length=50)


class BoothResultsForm(ConsoleForm):
    """A booth's count: ballots and one field per option (``option_<id>``)."""

    ballots_issued = forms.IntegerField(label=_("发出选票"), min_value=0)
    ballots_cast = forms.IntegerField(label=_("收回选票"), min_value=0)
    invalid_ballots = forms.IntegerField(label=_("无效票"), min_value=0)

    def __init__(self, *args: Any, booth: Booth, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.option_pks: list[int] = []
        for option in booth.poll.options.order_by("position"):
            self.fields[f"option_{option.pk}"] = forms.IntegerField(
                label=_("“%(label)s”得票") % {"label": option.label}, min_value=0
            )
            self.option_pks.append(option.pk)

    def counts(self) -> dict[int, Any]:
        return {pk: self.cleaned_data.get(f"option_{pk}") for pk in self.option_pks}
