from __future__ import annotations

from django import forms

from participation.forms import Text

from .choices import Satisfaction
from .models import COMMENT_MAX


class RatingForm(forms.Form):
    choice = forms.ChoiceField(
        label="评议意见",
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择评议意见：满意、基本满意或不满意。", "invalid_choice": "请选择评议意见：满意、基本满意或不满意。"},
    )
    comment = Text(
        label="意见建议（可不填）",
        max_length=COMMENT_MAX,
        required=False,
        rows=5,
        help_text=f"不超过{COMMENT_MAX}字。评议不记名：结果只显示各项人数和意见原文，不显示是谁提交的。请勿在此填写姓名等可识别您身份的内容。",
    )
