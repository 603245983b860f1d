"""HTML forms of the case console. They only collect input: the actions in ``actions.py``
and ``actions_categories.py`` validate it, and their field errors are put back beside the
inputs (``add_action_errors``; an action's ``attributes.<code>`` key lands on the
attribute's own field)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import Role, User
from gongzhi.cases.enums import (
    LEVEL_OF_LENGTH,
    AttributeType,
    CaseKind,
    Channel,
    ResponsibleLevel,
    TimeUnit,
    Urgency,
)
from gongzhi.cases.models import Case, Category
from gongzhi.core.scoping import contains, scope_of
from gongzhi.organisations.models import (
    COMMITTEE_KINDS,
    OFFICE_KINDS,
    Organisation,
    OrganisationKind,
)
from gongzhi.regions.forms import add_action_errors as _add_errors
from gongzhi.regions.models import Level, Region

# Channels a staff member registers at the window (一窗受理, R3.2a mobile stops, R3.2e).
WINDOW_CHANNELS = (Channel.WINDOW, Channel.HOTLINE, Channel.MOBILE_STOP)
# Staff who may be chosen as the person handling a case (承办人).
ASSIGNABLE_ROLES = (
    Role.GRID_WORKER,
    Role.COMMUNITY_STAFF,
    Role.TOWNSHIP_STAFF,
    Role.COUNTY_STAFF,
    Role.DEPARTMENT_STAFF,
)
MAX_ASSIGNEES = 200
ATTRIBUTE_PREFIX = "attr_"


def add_action_errors(form: forms.Form, error: ValidationError) -> None:
    """An action's field errors beside the form's fields; ``attributes.<code>`` beside the
    attribute's field; anything else at the top of the form."""
    if hasattr(error, "error_dict"):
        renamed: dict[str, Any] = {}
        for field, errors in error.error_dict.items():
            if field.startswith("attributes."):
                field = ATTRIBUTE_PREFIX + field.removeprefix("attributes.")
            elif field == "location" and "lon" in form.fields:
                field = "lon"
            renamed[field] = errors
        error = ValidationError(renamed)
    _add_errors(form, error)


class ConsoleForm(forms.Form):
    """Labels above their fields, without Django's colon."""

    required_css_class = "required"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


# --- Steps of the workflow ----------------------------------------------------------------


class NoteForm(ConsoleForm):
    """A step with an optional note (受理, 核查结案, 恢复办理)."""

    note = forms.CharField(label=_("意见"), required=False, widget=_textarea(2))


class AcceptForm(NoteForm):
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices)


class ReasonForm(ConsoleForm):
    """A step that needs a reason (不予受理, 返工, 上报, 挂账, 重新办理). The action says
    when it is missing, so every error reads the same."""

    reason = forms.CharField(label=_("理由"), required=False, widget=_textarea(3))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


def photos_field(label: Any) -> forms.Field:
    """Several images at once; ``attachments.do_attach_files`` checks them by content."""
    return forms.Field(
        label=label,
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("可选多张 JPEG、PNG 或 WebP 图片"),
    )


class FeedbackForm(ConsoleForm):
    note = forms.CharField(
        label=_("处置情况"),
        required=False,
        widget=_textarea(4),
        help_text=_("写明处置结果和现场情况，反映人能看到这段说明"),
    )
    photos = photos_field(_("处置照片"))


class ExtensionForm(ConsoleForm):
    amount = forms.IntegerField(label=_("延期时长"), required=False, min_value=1)
    unit = forms.ChoiceField(label=_("时长单位"), choices=TimeUnit.choices)
    reason = forms.CharField(label=_("延期理由"), required=False, widget=_textarea(2))


class ExtensionDecisionForm(ConsoleForm):
    decision = forms.ChoiceField(
        label=_("审批结果"),
        choices=[("approve", _("批准延期")), ("reject", _("不予批准"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("审批意见"),
        required=False,
        widget=_textarea(2),
        help_text=_("不予批准时必填"),
    )


class MergeForm(ConsoleForm):
    into = forms.CharField(
        label=_("并入办件编号"),
        max_length=20,
        required=False,
        help_text=_("处理同一事项的另一个办件的编号（须在您的辖区内）"),
    )
    note = forms.CharField(label=_("并单说明"), required=False, widget=_textarea(2))


def _prefixes(code: str) -> list[str]:
    """The codes of every level that contains ``code`` (league, county, township, …)."""
    return [code[:n] for n in (4, 6, 9, 12) if n <= len(code)]


class DispatchForm(ConsoleForm):
    """派遣: a unit (a level above the case's place, inside the actor's jurisdiction), a
    responsible organisation and/or a person. The choices come from the place and the
    category (``queries.suggested_organisation``); the action decides what is allowed."""

    region_code = forms.ChoiceField(label=_("责任层级（辖区）"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("责任单位"), queryset=Organisation.objects.none(), required=False
    )
    assignee = forms.ModelChoiceField(
        label=_("承办人"), queryset=User.objects.none(), required=False
    )
    note = forms.CharField(
        label=_("派遣意见"),
        required=False,
        widget=_textarea(2),
        help_text=_("仅工作人员可见"),
    )

    def __init__(
        self, *args: Any, case: Case, user: Any, suggested: Organisation | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        scope = scope_of(user)
        place = case.region_code
        units = [code for code in _prefixes(place) if len(code) >= 6 and contains(scope, code)]
        names = dict(
            Region.objects.filter(region_code__in=units).values_list("region_code", "name")
        )
        fields: Any = self.fields
        fields["region_code"].choices = [("", "—")] + [
            (
                code,
                f"{ResponsibleLevel(LEVEL_OF_LENGTH[len(code)]).label}：{names.get(code, code)}",
            )
            for code in units
        ]
        bodies = Q(
            kind__in=COMMITTEE_KINDS | OFFICE_KINDS,
            region_code__in=[code for code in units if len(code) in (9, 12)],
        )
        departments = Q(kind=OrganisationKind.DEPARTMENT, region_code__in=_prefixes(place))
        organisations = Organisation.objects.active().filter(bodies | departments)
        fields["organisation"].queryset = organisations.order_by("kind", "region_code", "name")
        fields["organisation"].label_from_instance = lambda o: o.name
        if suggested is not None:
            fields["organisation"].help_text = _("按事项建议：%(name)s") % {"name": suggested.name}
            fields["organisation"].initial = suggested.pk
        fields["assignee"].queryset = assignable_staff(units, suggested)
        fields["assignee"].label_from_instance = _staff_label


def assignable_staff(units: list[str], organisation: Organisation | None) -> QuerySet[User]:
    """Active staff of the units the case may go to, and of the suggested organisation."""
    condition = Q(region_code__in=units, role_grants__role__in=ASSIGNABLE_ROLES)
    if organisation is not None:
        condition |= Q(organisation=organisation)
    ids = (
        User.objects.filter(condition, is_active=True)
        .values_list("pk", flat=True)
        .distinct()
        .order_by("pk")[:MAX_ASSIGNEES]
    )
    return User.objects.filter(pk__in=list(ids)).select_related("region").order_by("region_code")


def _staff_label(user: User) -> str:
    place = user.region.name if user.region is not None else ""
    return f"{user.full_name or user.username}（{place}）" if place else str(user)


# --- Registering a case -------------------------------------------------------------------


def grouped_category_choices(categories: QuerySet[Category]) -> list[Any]:
    """Choices for a grouped select: one ``<optgroup>`` per kind and group."""
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for category in categories:
        label = f"{CaseKind(category.kind).label} · {category.group or _('其他')}"
        groups[label].append((category.code, category.name))
    return [("", "—"), *groups.items()]


def attribute_field(spec: dict[str, Any]) -> forms.Field:
    """A typed form field for one Open311 attribute. Not ``required`` for Django: the
    action reports a missing answer, with every other error at once."""
    label = spec.get("description") or spec.get("code")
    datatype = spec.get("datatype", AttributeType.STRING)
    values = [
        (str(v.get("key")), str(v.get("name") or v.get("key"))) for v in spec.get("values") or []
    ]
    attrs: dict[str, Any] = {}
    if spec.get("required"):
        attrs["aria-required"] = "true"
    field: forms.Field
    if datatype == AttributeType.NUMBER:
        field = forms.CharField(
            widget=forms.NumberInput(attrs={**attrs, "step": "any", "inputmode": "decimal"})
        )
    elif datatype == AttributeType.DATETIME:
        field = forms.CharField(
            widget=forms.DateTimeInput(attrs={**attrs, "type": "datetime-local"}),
            help_text=_("如 2026-11-29 09:30"),
        )
    elif datatype == AttributeType.TEXT:
        field = forms.CharField(widget=forms.Textarea(attrs={**attrs, "rows": 3}))
    elif datatype == AttributeType.SINGLE:
        field = forms.ChoiceField(choices=[("", "—"), *values], widget=forms.Select(attrs=attrs))
    elif datatype == AttributeType.MULTI:
        field = forms.MultipleChoiceField(
            choices=values, widget=forms.CheckboxSelectMultiple(attrs=attrs)
        )
    else:
        field = forms.CharField(max_length=200, widget=forms.TextInput(attrs=attrs))
    field.label = label
    field.required = False
    setattr(field, "is_attribute_required", bool(spec.get("required")))  # noqa: B010
    return field


def add_attribute_fields(form: forms.Form, category: Category | None) -> list[str]:
    """Add the category's extra fields to ``form``; returns their names in order."""
    names: list[str] = []
    if category is None:
        return names
    for spec in category.sorted_attributes():
        name = ATTRIBUTE_PREFIX + str(spec.get("code", ""))
        form.fields[name] = attribute_field(spec)
        names.append(name)
    return names


def attribute_answers(form: forms.Form, names: list[str]) -> dict[str, Any]:
    return {
        name.removeprefix(ATTRIBUTE_PREFIX): form.cleaned_data.get(name)
        for name in names
        if form.cleaned_data.get(name) not in (None, "", [])
    }


def communities_for(user: Any) -> QuerySet[Region]:
    return Region.objects.within(scope_of(user)).filter(level=Level.COMMUNITY, is_active=True)


class _PlaceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.region_code}）"


class WindowForm(ConsoleForm):
    """一窗受理 (R3.2e): staff register a case for a resident at the window or the phone."""

    category = forms.ChoiceField(label=_("办件事项"))
    title = forms.CharField(
        label=_("标题"), max_length=100, required=False, help_text=_("可不填，默认用事项名称")
    )
    description = forms.CharField(label=_("具体内容"), required=False, widget=_textarea(5))
    community = _PlaceChoiceField(label=_("所属社区"), queryset=Region.objects.none())
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices)
    channel = forms.ChoiceField(
        label=_("受理渠道"), choices=[(c.value, c.label) for c in WINDOW_CHANNELS]
    )
    reporter_name = forms.CharField(label=_("反映人姓名"), max_length=50, required=False)
    reporter_phone = forms.CharField(
        label=_("联系电话"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    resident = forms.IntegerField(required=False, widget=forms.HiddenInput)
    as_agent = forms.BooleanField(
        label=_("全程代办（由我代为办理全过程）"),
        required=False,
        help_text=_("勾选后您为本件代办员，代反映人跟进办理、申请重新办理"),
    )

    def __init__(
        self,
        *args: Any,
        user: Any,
        categories: QuerySet[Category],
        category: Category | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["category"].choices = grouped_category_choices(categories)
        fields["category"].help_text = _("选定事项后显示其承诺时限、所需材料和需要填写的信息")
        # htmx redraws the category's requirements and extra fields when it changes.
        fields["category"].widget.attrs.update(
            {
                "hx-get": reverse("cases:category_fields"),
                "hx-trigger": "change",
                "hx-target": "#category-fields",
            }
        )
        communities = communities_for(user).order_by("region_code")
        fields["community"].queryset = communities
        fields["community"].empty_label = "—"
        # A community worker's window serves one community: choose it for them.
        only = list(communities.values_list("pk", flat=True)[:2])
        if len(only) == 1 and not self.is_bound:
            self.initial.setdefault("community", only[0])
        self.attribute_names = add_attribute_fields(self, category)

    def attribute_fields(self) -> list[Any]:
        return [self[name] for name in self.attribute_names]


class EventReportForm(ConsoleForm):
    """网格事件上报 (R3.1e): a grid worker's report from a phone."""

    category = forms.ChoiceField(label=_("事件类型"))
    description = forms.CharField(label=_("事件描述"), required=False, widget=_textarea(4))
    lon = forms.CharField(
        label=_("经度"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    lat = forms.CharField(
        label=_("纬度"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    community = _PlaceChoiceField(
        label=_("所属社区"),
        queryset=Region.objects.none(),
        required=False,
        help_text=_("定位不在网格内或无法定位时选择"),
    )
    address = forms.CharField(label=_("地址或位置说明"), max_length=200, required=False)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices)
    photos = photos_field(_("现场照片"))

    def __init__(self, *args: Any, user: Any, categories: QuerySet[Category], **kwargs: Any):
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["category"].choices = grouped_category_choices(categories)
        fields["community"].queryset = communities_for(user).order_by("region_code")
        fields["community"].empty_label = "—"


# --- Category management ------------------------------------------------------------------


class CategoryForm(ConsoleForm):
    """事项管理: the catalogue entry; ``actions_categories`` validates every field."""

    code = forms.CharField(
        label=_("事项编码"),
        max_length=60,
        required=False,
        help_text=_(
            "小写字母、数字和连字符，如 residence-certificate；"
            "也是 Open311 的 service_code，保存后不能修改"
        ),
    )
    name = forms.CharField(label=_("事项名称"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("办件类别"), choices=CaseKind.choices)
    group = forms.CharField(label=_("大类"), max_length=50, required=False)
    description = forms.CharField(label=_("事项说明"), required=False, widget=_textarea(3))
    keywords = forms.CharField(label=_("关键词"), max_length=200, required=False)
    responsible_level = forms.ChoiceField(label=_("责任层级"), choices=ResponsibleLevel.choices)
    responsible_kind = forms.ChoiceField(
        label=_("责任单位类别"), required=False, choices=[("", "—"), *OrganisationKind.choices]
    )
    responsible_department = forms.CharField(
        label=_("责任部门"),
        max_length=100,
        required=False,
        help_text=_("职能部门的名称或简称，派遣时作为建议的责任单位"),
    )
    accept_unit = forms.ChoiceField(label=_("受理时限单位"), choices=TimeUnit.choices)
    accept_normal = forms.IntegerField(label=_("一般件受理时限"), required=False)
    accept_urgent = forms.IntegerField(label=_("紧急件受理时限"), required=False)
    resolve_unit = forms.ChoiceField(label=_("办结时限单位"), choices=TimeUnit.choices)
    resolve_normal = forms.IntegerField(label=_("一般件办结时限"), required=False)
    resolve_urgent = forms.IntegerField(label=_("紧急件办结时限"), required=False)
    due_soon_fraction = forms.FloatField(
        label=_("临期提醒比例"),
        required=False,
        help_text=_("时限最后这一部分时间内显示为即将超期，如 0.2"),
    )
    reopen_days = forms.IntegerField(label=_("可重新办理天数"), required=False)
    escalate_after_overdue = forms.BooleanField(label=_("超期自动上报"), required=False)
    required_documents = forms.CharField(
        label=_("所需材料"),
        required=False,
        widget=_textarea(4),
        help_text=_("每行一项"),
    )
    attributes = forms.CharField(
        label=_("附加信息项（JSON）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false", "class": "code-input"}),
        help_text=_(
            "Open311 服务定义的 attributes 数组，每项含 code、description、datatype"
            "（string、number、datetime、text、singlevaluelist、multivaluelist）、required、"
            "order，列表类型另含 values（key、name）"
        ),
    )
    order = forms.IntegerField(label=_("排序"), required=False)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)
