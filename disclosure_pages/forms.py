"""The item editor's form: the approval form's own fields as the form reads.

- attachments must be documents of the item's own unit (a form error otherwise);

- 公开周期, 公开要求, 公开方式 and 公开平台 of a new item are preset from its catalogue node
  (a half-year node starts at 半年, not 年度);
- 公开平台 is a set of boxes offering the catalogue's own words and the approval form's
  platforms, stored as the 顿号-separated text the item has always kept;
- the proposer's 初步公开意见 / 初步保密意见 with reasons (《中共惠农区委党务公开若干制度（试行）》
  第二十六条（一）) are asked on the 审批表 tab and written to the open approval form;
- submitting (提交审核) needs every field of 《党务公开事项审批表》 the proposer fills: a clear error
  names each missing one and the form keeps what was typed;
- has_changed() says whether the *content* changed, so that acting on a task from the edit
  view saves no empty revision (Wagtail saves one whenever the form reports a change, and
  the browser's editors re-serialise unchanged rich text and tables).
"""

from __future__ import annotations

import json
import re
from typing import Any

from django import forms
from django.utils import timezone
from wagtail.admin.forms.pages import WagtailAdminPageForm

from . import providers
from .choices import DiscloseOpinion, DisclosureMethod, DisclosureRequirement, PeriodType, Schedule, SecrecyOpinion

PLATFORM_SPLIT = re.compile(r"[、，,；;/\s]+|或|和|及")
# The platforms of 《党务公开事项审批表》, in the form's order.
FORM_PLATFORMS = [
    "会议", "文件", "通报", "简报", "党政内网", "公开栏", "互联网", "报刊", "广播电视", "新媒体", "新闻发布会",
]

PERIOD_FOR_SCHEDULE = {
    Schedule.ANNUAL: PeriodType.YEAR,
    Schedule.SEMIANNUAL: PeriodType.HALF,
    Schedule.QUARTERLY: PeriodType.QUARTER,
    Schedule.MONTHLY: PeriodType.MONTH,
    Schedule.IMMEDIATE: PeriodType.EVENT,
    Schedule.FIXED: PeriodType.NONE,
    Schedule.STAGED: PeriodType.YEAR,
}
REQUIREMENT_FOR_SCHEDULE = {
    Schedule.ANNUAL: DisclosureRequirement.REGULAR,
    Schedule.SEMIANNUAL: DisclosureRequirement.REGULAR,
    Schedule.QUARTERLY: DisclosureRequirement.REGULAR,
    Schedule.MONTHLY: DisclosureRequirement.REGULAR,
    Schedule.IMMEDIATE: DisclosureRequirement.ANYTIME,
    Schedule.FIXED: DisclosureRequirement.LONG_TERM,
    Schedule.STAGED: DisclosureRequirement.STAGED,
}

# Fields of the approval form the proposer must fill before submitting, with their labels.
REQUIRED_ON_SUBMIT = {
    "disclosure_time": "公开时间",
    "requirement": "公开要求",
    "method": "公开方式",
    "platforms": "公开平台",
    "proposer_disclose_opinion": "初步公开意见",
    "proposer_disclose_reason": "初步公开意见理由",
    "proposer_secrecy_opinion": "初步保密意见",
    "proposer_secrecy_reason": "初步保密意见理由",
}
PROPOSAL_FIELDS = [name for name in REQUIRED_ON_SUBMIT if name.startswith("proposer_")]
SUBMIT_ACTIONS = ("action-submit", "action-restart-workflow")


def split_words(text: str) -> list[str]:
    """"文件、会议等" → ["文件", "会议"]: the words of a catalogue's 公开形式/平台."""
    words = []
    for word in PLATFORM_SPLIT.split(text or ""):
        word = word.strip().removesuffix("等").strip()
        if word and word not in words:
            words.append(word)
    return words


def methods_for(scope_text: str) -> list[str]:
    """公开方式 a catalogue row allows: "党内公开或社会公开" → both; nothing recognisable → all."""
    allowed = []
    if "党内" in scope_text or "党员" in scope_text or "委员" in scope_text or "纪检" in scope_text:
        allowed.append(DisclosureMethod.PARTY)
    if "社会" in scope_text:
        allowed.append(DisclosureMethod.SOCIETY)
    if "例行" in scope_text:
        allowed.append(DisclosureMethod.ROUTINE)
    return allowed or list(DisclosureMethod.values)


class PlatformsField(forms.MultipleChoiceField):
    """Boxes for 公开平台; the model keeps the chosen words joined by 顿号."""

    widget = forms.CheckboxSelectMultiple

    def prepare_value(self, value):
        if isinstance(value, str):
            return split_words(value)
        return value

    def clean(self, value):
        return "、".join(super().clean(value))

    def has_changed(self, initial, data):
        return split_words(initial if isinstance(initial, str) else "、".join(initial or [])) != list(data or [])


def _opinion_field(label: str, choices) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=list(choices), required=False, widget=forms.RadioSelect)


def _reason_field(label: str) -> forms.CharField:
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 2}))


BLOCK_KEY = re.compile(r'\s*data-block-key="[^"]*"')


def _normalised(value: Any) -> Any:
    """A field's stored value with what the editors re-serialise differently left out."""
    if isinstance(value, str):
        text = value.strip()
        if text[:1] in "[{":
            try:
                return _normalised(json.loads(text))
            except ValueError:
                pass
        return re.sub(r">\s+<", "><", BLOCK_KEY.sub("", text))
    if isinstance(value, dict):
        return {key: _normalised(item) for key, item in value.items() if key != "id"}
    if isinstance(value, list):
        return [_normalised(item) for item in value]
    return value


class DisclosureItemForm(WagtailAdminPageForm):
    proposer_disclose_opinion = _opinion_field("初步公开意见", DiscloseOpinion.choices)
    proposer_disclose_reason = _reason_field("初步公开意见理由")
    proposer_secrecy_opinion = _opinion_field("初步保密意见", SecrecyOpinion.choices)
    proposer_secrecy_reason = _reason_field("初步保密意见理由")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        node = self._node()
        if "platforms" in self.fields:
            self._set_platform_choices(node)
        if "method" in self.fields and node is not None:
            allowed = set(methods_for(node.scope_text)) | {self.instance.method}
            self.fields["method"].choices = [("", "请选择")] + [
                (value, label) for value, label in DisclosureMethod.choices if value in allowed
            ]
        if self.instance.pk is None and node is not None and not self.is_bound:
            self._preset_from(node)
        if self.instance.pk is not None:
            self._initial_proposal()

    # --- presets ------------------------------------------------------------------------------

    def _node(self):
        parent = self.parent_page if self.instance.pk is None else self.instance.get_parent()
        specific = getattr(parent, "specific", None)
        return specific if hasattr(specific, "schedule") and hasattr(specific, "forms") else None

    def _set_platform_choices(self, node) -> None:
        words = split_words(node.forms) if node is not None else []
        current = split_words(self.instance.platforms)
        options = words + [word for word in FORM_PLATFORMS if word not in words]
        options += [word for word in current if word not in options]
        field = PlatformsField(
            label=self.fields["platforms"].label,
            choices=[(word, word) for word in options],
            required=False,
            help_text="可多选；前几项为本目录规定的公开平台。",
        )
        self.fields["platforms"] = field

    def _preset_from(self, node) -> None:
        today = timezone.localdate()
        period = PERIOD_FOR_SCHEDULE.get(node.schedule)
        if period:
            self.initial["period_type"] = period
        self.initial.setdefault("year", today.year)
        if period == PeriodType.HALF:
            self.initial["half"] = 1 if today.month <= 6 else 2
        if period == PeriodType.QUARTER:
            self.initial["quarter"] = (today.month - 1) // 3 + 1
        if period == PeriodType.MONTH:
            self.initial["month"] = today.month
        self.initial["requirement"] = REQUIREMENT_FOR_SCHEDULE.get(node.schedule, "")
        methods = methods_for(node.scope_text)
        self.initial["method"] = DisclosureMethod.SOCIETY if node.scope == "public" else methods[0]
        self.initial["platforms"] = split_words(node.forms)
        if node.time_limit:
            self.initial["disclosure_time"] = node.time_limit

    def _initial_proposal(self) -> None:
        # The approval form is the review app's: it provides its proposer part (providers.PROPOSAL_INITIAL).
        initial = providers.ask(providers.PROPOSAL_INITIAL, self.instance, default={}) or {}
        for name in PROPOSAL_FIELDS:
            if name in initial:
                self.initial.setdefault(name, initial[name])

    # --- validation ---------------------------------------------------------------------------

    @property
    def submitting(self) -> bool:
        return any(self.data.get(action) for action in SUBMIT_ACTIONS)

    def clean(self):
        data = super().clean()
        self._check_attachments()
        if self.submitting:
            missing = []
            for name, label in REQUIRED_ON_SUBMIT.items():
                if name in self.fields and not str(data.get(name) or "").strip() and name not in self.errors:
                    self.add_error(name, f"提交审核前请填写{label}。")
                    missing.append(label)
            if missing:
                self.add_error(
                    None,
                    f"《党务公开事项审批表》尚未填写完整，请在“审批表”页签填写：{'、'.join(missing)}。已填写的内容均已保留。",
                )
        return data

    def _check_attachments(self) -> None:
        from .documents import attachment_error, item_unit

        # The attachment rows do not know their page while the form is validated (a new item is
        # not in the tree yet): the unit comes from the item or the parent it is created under.
        formset = self.formsets.get("attachments")
        if formset is None:
            return
        unit = item_unit(self.instance, parent=self.parent_page)
        for form in formset.forms:
            if not form.is_valid() or form.cleaned_data.get("DELETE"):
                continue
            error = attachment_error(unit, form.cleaned_data.get("document"))
            if error:
                form.add_error("document", error)

    # --- saving -------------------------------------------------------------------------------

    def save(self, commit=True):
        page = super().save(commit=commit)
        if any(name in self.changed_data for name in PROPOSAL_FIELDS):
            # Written to the open approval form once the page has its id (hook after_create/edit_page).
            page._approval_proposal = {
                name.removeprefix("proposer_"): self.cleaned_data.get(name) or "" for name in PROPOSAL_FIELDS
            }
        return page

    def has_changed(self) -> bool:
        if not super().has_changed():
            return False
        if self.instance.pk is None:
            return True
        latest = self.instance.get_latest_revision()
        if latest is None:
            return True
        if any(formset.has_changed() for name, formset in self.formsets.items() if name != "comments"):
            return True
        fields = [name for name in self.changed_data if name not in PROPOSAL_FIELDS]
        now = self.instance.serializable_data()
        return any(_normalised(now.get(name)) != _normalised(latest.content.get(name)) for name in fields)
