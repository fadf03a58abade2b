"""Public forms (with a honeypot and size limits) and the staff's action forms."""

from __future__ import annotations

import re

from django import forms

from disclosure_pages.models import UnitPage

from .choices import OUTCOMES_NEEDING_REASON, FeedbackKind, Outcome, PauseKind
from .models import FEEDBACK_MAX, PURPOSE_MAX, REPLY_MAX, REQUEST_TEXT_MAX
from .selectors import answer_nodes, units_by_region

PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")
HONEYPOT = "website"


class Text(forms.CharField):
    """A CharField that counts a line break as one character, as the browser's maxlength does."""

    def __init__(self, *, label: str, max_length: int, required: bool = True, rows: int | None = None, **kwargs):
        widget = (
            forms.Textarea(attrs={"rows": rows, "maxlength": max_length})
            if rows
            else forms.TextInput(attrs={"maxlength": max_length})
        )
        super().__init__(
            label=label,
            max_length=max_length,
            required=required,
            widget=widget,
            error_messages={
                "required": f"请填写{label}。",
                "max_length": f"{label}不能超过%(limit_value)d字（现为%(show_value)d字），请精简后再提交。",
            },
            **kwargs,
        )

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


class HoneypotMixin(forms.Form):
    """A field people never see (hidden by CSS, skipped by keyboard and screen readers); bots fill it."""

    website = forms.CharField(
        label="网址（请勿填写）",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get(HONEYPOT, "").strip())


class RequestForm(HoneypotMixin):
    unit = forms.TypedChoiceField(
        label="受理单位",
        coerce=int,
        error_messages={"required": "请选择受理单位。", "invalid_choice": "请选择列表中的单位。"},
        help_text="先找到所在区域，再选择单位。",
    )
    applicant_name = Text(label="申请人姓名", max_length=50)
    contact_phone = Text(label="联系电话", max_length=30, required=False)
    contact_email = forms.EmailField(
        label="电子邮箱",
        max_length=254,
        required=False,
        error_messages={"invalid": "请填写有效的电子邮箱，如 name@example.com。", "max_length": "电子邮箱过长。"},
    )
    request_text = Text(
        label="申请公开的内容", max_length=REQUEST_TEXT_MAX, rows=8, help_text=f"不超过{REQUEST_TEXT_MAX}字。"
    )
    purpose = Text(
        label="用途", max_length=PURPOSE_MAX, rows=3, help_text=f"说明申请信息的用途，不超过{PURPOSE_MAX}字。"
    )

    field_order = ["unit", "applicant_name", "contact_phone", "contact_email", "request_text", "purpose", HONEYPOT]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "请选择单位")] + [
            (region, [(pk, title) for pk, title in units]) for region, units in units_by_region()
        ]

    def clean_contact_phone(self) -> str:
        phone = re.sub(r"[\s()（）]", "", self.cleaned_data.get("contact_phone", ""))
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError("请填写有效的手机号码（11位）或固定电话（如 0751-1234567）。")
        return phone

    def clean(self):
        cleaned = super().clean()
        if not self.errors.get("contact_phone") and not self.errors.get("contact_email"):
            if not cleaned.get("contact_phone") and not cleaned.get("contact_email"):
                raise forms.ValidationError("请至少填写联系电话或电子邮箱中的一项，以便告知办理结果。")
        unit_id = cleaned.get("unit")
        if unit_id:
            cleaned["unit"] = UnitPage.objects.live().filter(pk=unit_id).first()
            if cleaned["unit"] is None:
                self.add_error("unit", "请选择列表中的单位。")
        return cleaned


class FeedbackForm(HoneypotMixin):
    kind = forms.ChoiceField(
        label="类别", choices=FeedbackKind.choices, initial=FeedbackKind.OPINION, widget=forms.RadioSelect
    )
    content = Text(label="内容", max_length=FEEDBACK_MAX, rows=6, help_text=f"不超过{FEEDBACK_MAX}字。")
    name = Text(label="姓名（可不填）", max_length=50, required=False)
    contact = Text(
        label="联系方式（可不填）", max_length=100, required=False, help_text="仅供本单位答复时联系，不会公开。"
    )

    field_order = ["kind", "content", "name", "contact", HONEYPOT]


class StatusCheckForm(forms.Form):
    tracking_number = Text(label="申请编号", max_length=20)
    code = Text(label="查询码", max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tracking_number"].widget.attrs.update({"placeholder": "YSQ-2026-000123", "autocomplete": "off"})
        # A secret: never echoed back into the page.
        self.fields["code"].widget = forms.PasswordInput(
            attrs={"autocomplete": "off", "maxlength": 20}, render_value=False
        )


class TopicStatusForm(StatusCheckForm):
    tracking_number = Text(label="点题编号", max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tracking_number"].widget.attrs.update({"placeholder": "DT-2026-000123", "autocomplete": "off"})


class ResendCodeForm(HoneypotMixin):
    tracking_number = Text(label="申请编号", max_length=20)
    email = forms.EmailField(
        label="提交申请时填写的电子邮箱",
        max_length=254,
        error_messages={"required": "请填写电子邮箱。", "invalid": "请填写有效的电子邮箱，如 name@example.com。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tracking_number"].widget.attrs.update({"placeholder": "YSQ-2026-000123", "autocomplete": "off"})


class ClarifyForm(forms.Form):
    text = Text(label="补正内容", max_length=REQUEST_TEXT_MAX, rows=6)


# --- staff actions (each shown on a confirmation page) -----------------------------------------


class NoteForm(forms.Form):
    note = Text(label="说明（可不填）", max_length=REPLY_MAX, required=False, rows=3)


class ReasonForm(forms.Form):
    reason = Text(label="理由", max_length=REPLY_MAX, rows=5)


class PauseForm(forms.Form):
    kind = forms.ChoiceField(label="暂停原因", choices=PauseKind.choices, widget=forms.RadioSelect)
    reason = Text(
        label="说明", max_length=REPLY_MAX, rows=5, help_text="补正时写明需要申请人补充的内容，申请人可在查询页面看到。"
    )


class ExtendForm(forms.Form):
    days = forms.IntegerField(
        label="延长天数",
        min_value=1,
        error_messages={"required": "请填写延长天数。", "min_value": "延长天数至少为1天。"},
    )
    reason = Text(label="延期理由", max_length=REPLY_MAX, rows=4)

    def __init__(self, *args, max_days: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].max_value = max_days
        self.fields["days"].help_text = f"最多还可延长{max_days}天。"
        self.fields["days"].widget.attrs["max"] = max_days

    def clean_days(self):
        days = self.cleaned_data["days"]
        if days > self.fields["days"].max_value:
            raise forms.ValidationError(f"最多还可延长{self.fields['days'].max_value}天。")
        return days


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); each is checked like every upload."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        from disclosure_pages.documents import upload_error

        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        cleaned = [super(MultipleFileField, self).clean(f, initial) for f in files]
        errors = [error for error in (upload_error(f) for f in cleaned) if error]
        if errors:
            raise forms.ValidationError(errors)
        return cleaned


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(label="答复结果", choices=Outcome.choices, widget=forms.RadioSelect)
    answer_text = Text(label="答复内容", max_length=REPLY_MAX, rows=8, help_text="申请人可在查询页面看到。")
    reason = Text(
        label="理由",
        max_length=REPLY_MAX,
        rows=3,
        required=False,
        help_text="部分公开、不予公开、信息不存在时必须说明理由（南湖区《关于在全区基层党组织中推进和深化党务公开工作的实施意见》：暂时不宜公开或不能公开的，应及时向申请人说明情况）。",
    )
    draft_node = forms.TypedChoiceField(
        label="同时生成公开事项草稿",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="予以公开或部分公开时，可在本单位三级目录下生成公开事项草稿，经审核审批后发布。",
    )
    draft_title = Text(label="公开事项标题", max_length=255, required=False)
    attachments = MultipleFileField(
        label="答复附件（可不选）",
        required=False,
        help_text="可选择多个文件（PDF、Word、Excel、图片等，每个不超过20 MB，最多10个）。仅申请人凭申请编号和查询码可以下载。",
    )

    def __init__(self, *args, unit: UnitPage, **kwargs):
        super().__init__(*args, **kwargs)
        self.nodes = {node.pk: node for node in answer_nodes(unit)}
        self.fields["draft_node"].choices = [("", "不生成")] + [
            (node.pk, f"{node.code} {node.title}") for node in self.nodes.values()
        ]

    def clean(self):
        cleaned = super().clean()
        if len(cleaned.get("attachments") or []) > 10:
            self.add_error("attachments", "答复附件最多10个。")
        outcome = cleaned.get("outcome")
        if outcome in OUTCOMES_NEEDING_REASON and not cleaned.get("reason"):
            self.add_error("reason", f"答复结果为“{Outcome(outcome).label}”时必须说明理由。")
        node_id = cleaned.get("draft_node")
        cleaned["draft_node"] = self.nodes.get(node_id) if node_id else None
        if cleaned["draft_node"] is not None and outcome not in (Outcome.DISCLOSED, Outcome.PARTLY):
            self.add_error("draft_node", "只有“予以公开”或“部分公开”的答复才能生成公开事项。")
        return cleaned


class ReplyForm(forms.Form):
    reply = Text(label="答复", max_length=REPLY_MAX, rows=6)


class PublishForm(forms.Form):
    public_content = Text(
        label="公开的问题内容",
        max_length=FEEDBACK_MAX,
        rows=5,
        help_text="将与答复一起在回音壁公开。请删去姓名、电话、住址等个人信息。",
    )
