"""HTML forms of the opinion map. They collect and parse input; the actions validate it,
and their Chinese field errors are put back beside the inputs (``add_action_errors``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.forms import ConsoleForm, add_action_errors
from gongzhi.consultations.linking import consultation_choices
from gongzhi.consultations.models import Consultation
from gongzhi.core.scoping import scope_of
from gongzhi.opinions.actions import CONVERSATION_LEVELS, MAX_SEED_STATEMENTS
from gongzhi.opinions.models import (
    DESCRIPTION_MAX_LENGTH,
    REASON_MAX_LENGTH,
    STATEMENT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
)
from gongzhi.regions.models import Region

__all__ = ["add_action_errors"]

MAX_CHOICES = 500


def region_choices(user: Any) -> list[tuple[str, str]]:
    """Communities and townships of the jurisdiction, in code order."""
    regions = (
        Region.objects.within(scope_of(user))
        .filter(level__in=CONVERSATION_LEVELS, is_active=True)
        .order_by("region_code")
        .only("region_code", "name")[:MAX_CHOICES]
    )
    return [("", "—"), *((r.region_code, f"{r.name}（{r.region_code}）") for r in regions)]


class ConversationForm(ConsoleForm):
    field_order = ["consultation"]

    consultation = forms.ChoiceField(
        label=_("所属协商"),
        required=False,
        help_text=_(
            "关联后，居民只能在该协商开放“发表意见”的阶段表态和提出观点；"
            "所属社区（街道）须是该协商的牵头辖区或参与社区"
        ),
    )
    region = forms.ChoiceField(label=_("所属嘎查村（社区）或苏木乡镇（街道）"), required=False)
    title = forms.CharField(
        label=_("议题"),
        max_length=TITLE_MAX_LENGTH,
        required=False,
        help_text=_("如：小区停车难怎么解决"),
    )
    description = forms.CharField(
        label=_("说明（可选）"),
        max_length=DESCRIPTION_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    statements = forms.CharField(
        label=_("初始观点（每行一条）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    allow_statements = forms.BooleanField(
        label=_("居民可以提出自己的观点"), required=False, initial=True
    )
    moderate_first = forms.BooleanField(
        label=_("居民提出的观点经审核后才公开（先审后发）"), required=False, initial=True
    )

    def __init__(
        self,
        *args: Any,
        user: Any,
        editing: bool = False,
        consultation: Consultation | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["consultation"].choices = consultation_choices(user, consultation)
        if editing:
            del fields["region"]
            del fields["statements"]
        else:
            fields["region"].choices = region_choices(user)
            fields["statements"].help_text = _(
                "每条不超过 %(n)d 个字，最多 %(max)d 条；居民对每条表示同意、不同意或跳过"
            ) % {"n": STATEMENT_MAX_LENGTH, "max": MAX_SEED_STATEMENTS}

    def statement_lines(self) -> list[str]:
        return str(self.cleaned_data.get("statements") or "").splitlines()


class StatementForm(ConsoleForm):
    text = forms.CharField(
        label=_("观点"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": STATEMENT_MAX_LENGTH}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].help_text = _("一句话说清一个看法，不超过 %(n)d 个字") % {
            "n": STATEMENT_MAX_LENGTH
        }


class RejectForm(ConsoleForm):
    reason = forms.CharField(label=_("未采用原因"), max_length=REASON_MAX_LENGTH, required=False)
