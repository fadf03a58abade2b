from __future__ import annotations

from django import forms

from participation.forms import Text

from .models_hotline import OPINION_MAX


class OpinionForm(forms.Form):
    """A 监督员 files a 监督意见 about one of the units they serve (their appointments serving today)."""

    appointment = forms.ModelChoiceField(
        label="监督单位",
        queryset=None,
        empty_label=None,
        error_messages={"required": "请选择监督单位。", "invalid_choice": "请选择您受聘监督的单位。"},
    )
    content = Text(
        label="意见内容",
        max_length=OPINION_MAX,
        rows=8,
        help_text=f"对本单位党务公开的内容、形式、时限等提出意见建议，或反映收集到的党员、群众意见。不超过{OPINION_MAX}字。",
    )

    def __init__(self, *args, appointments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["appointment"].queryset = appointments
        self.fields["appointment"].label_from_instance = lambda monitor: monitor.unit.display_name

    def clean_content(self):
        content = self.cleaned_data["content"].strip()
        if not content:
            raise forms.ValidationError("请填写意见内容。")
        return content
