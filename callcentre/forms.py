"""The call-log form and the forms that file for a caller (the public forms, without their honeypot)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminModelForm

from disclosure_pages.models import DisclosureItemPage
from disclosure_pages.selectors import public_items
from participation.forms import PHONE_RE, FeedbackForm, RequestForm
from participation.selectors import units_by_region

from .models import ANSWER_MAX, QUESTION_MAX, CallRecord
from .services import check_public


class CitedItemsWidget(forms.CheckboxSelectMultiple):
    """Checkboxes for the cited items only (those the operator opened, or the record cites), not a
    list of every item on the platform: unticking one drops it from the record."""

    def optgroups(self, name, value, attrs=None):
        ids = list(dict.fromkeys(int(v) for v in value if str(v).isascii() and str(v).isdigit() and len(str(v)) < 19))
        # Titles of public items only: a tampered id of an internal item must not show its title.
        titles = dict(public_items().filter(pk__in=ids).values_list("pk", "title"))
        groups = []
        for index, pk in enumerate(ids):
            label = titles.get(pk, f"#{pk}（不能引用）")
            option = self.create_option(name, pk, label, True, index, attrs=attrs)
            groups.append((None, [option], index))
        return groups


class CitedItemsField(forms.ModelMultipleChoiceField):
    """Item ids as typed (or tampered with): checked against the public items in ``clean``, so that
    an internal item's id gets the one Chinese message of callcentre.services.check_public."""

    def __init__(self, **kwargs):
        super().__init__(queryset=DisclosureItemPage.objects.all(), widget=CitedItemsWidget, **kwargs)

    def clean(self, value):
        if not value:
            return []
        values = [str(v) for v in value]
        if not all(v.isascii() and v.isdigit() and len(v) < 19 for v in values):
            raise ValidationError("引用的公开事项无效。")
        ids = [int(v) for v in values]
        return check_public(ids)


class CallRecordForm(WagtailAdminModelForm):
    caller_phone = forms.CharField(
        label="来电号码（可不填）",
        max_length=30,
        required=False,
        help_text="只保存打码后的号码（如 138****5678）和用于查找的摘要，不保存完整号码。",
    )
    items = CitedItemsField(label="引用的公开事项", required=False, help_text="只能引用面向社会公开的事项。")

    class Meta:
        model = CallRecord
        fields = ["started_at", "question", "answer", "items", "outcome"]
        error_messages = {
            "question": {"required": "请填写来电人咨询的问题。", "max_length": f"问题不能超过{QUESTION_MAX}字。"},
            "answer": {"max_length": f"答复内容不能超过{ANSWER_MAX}字。"},
            "started_at": {"required": "请填写来电时间。", "invalid": "来电时间格式不正确。"},
        }

    def clean_caller_phone(self) -> str:
        phone = "".join(ch for ch in self.cleaned_data.get("caller_phone", "") if ch not in " ()（）")
        if phone and not PHONE_RE.match(phone):
            raise ValidationError("请填写有效的手机号码（11位）或固定电话（如 0751-1234567）。")
        return phone


class OnBehalfRequestForm(RequestForm):
    """The public request form (its units, checks and messages), filled in by the operator."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["website"]


class OnBehalfFeedbackForm(FeedbackForm):
    unit = forms.TypedChoiceField(
        label="单位",
        coerce=int,
        error_messages={"required": "请选择单位。", "invalid_choice": "请选择列表中的单位。"},
    )
    field_order = ["unit", "kind", "content", "name", "contact"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["website"]
        self.fields["unit"].choices = [("", "请选择单位")] + [
            (region, [(pk, title) for pk, title in units]) for region, units in units_by_region()
        ]

    def clean(self):
        from disclosure_pages.models import UnitPage

        cleaned = super().clean()
        unit_id = cleaned.get("unit")
        if unit_id:
            cleaned["unit"] = UnitPage.objects.live().filter(pk=unit_id).first()
            if cleaned["unit"] is None:
                self.add_error("unit", "请选择列表中的单位。")
        return cleaned

