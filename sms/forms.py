from __future__ import annotations

from django import forms

from .numbers import InvalidNumber, normalise_number


class NumberField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            label="手机号码",
            max_length=20,
            error_messages={"required": "请填写手机号码。", "max_length": "手机号码过长，请核对。"},
            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "maxlength": 20}),
            **kwargs,
        )

    def clean(self, value):
        value = super().clean(value)
        try:
            return normalise_number(value)
        except InvalidNumber as exc:
            raise forms.ValidationError(str(exc))


class CodeField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            label="短信验证码",
            max_length=6,
            min_length=6,
            error_messages={
                "required": "请填写短信验证码。",
                "min_length": "验证码为 6 位数字。",
                "max_length": "验证码为 6 位数字。",
            },
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 6}),
            **kwargs,
        )


class HoneypotMixin(forms.Form):
    website = forms.CharField(label="网站（请勿填写）", required=False)

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError("提交无效。")
        return ""


class NumberForm(HoneypotMixin):
    number = NumberField()


class ConfirmForm(forms.Form):
    number = NumberField()
    code = CodeField()
