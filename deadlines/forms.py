from __future__ import annotations

import datetime

from django import forms
from wagtail.models import Page

from disclosure_pages.choices import Schedule

from . import clock
from .choices import ComplianceState
from .selectors import page_names, regions_within, units_within


def year_choices(today: datetime.date) -> list[tuple[int, str]]:
    return [(year, f"{year}年") for year in range(today.year + 1, today.year - 6, -1)]


class ComplianceFilterForm(forms.Form):
    """Filters of the compliance view; the 区域/单位 choices are limited to the user's reach."""

    scope = forms.ChoiceField(label="区域/单位", required=False)
    year = forms.TypedChoiceField(label="年度", coerce=int, required=False)
    schedule = forms.ChoiceField(label="时限规则", required=False, choices=[("", "全部规则"), *Schedule.choices])
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *ComplianceState.choices])

    def __init__(self, *args, roots: list[Page] | None, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or clock.today()
        self.fields["year"].choices = year_choices(self.today)
        pages = sorted([*regions_within(roots), *units_within(roots)], key=lambda page: page.path)
        names = page_names(pages)
        self.pages = {str(page.pk): page for page in pages}
        self.fields["scope"].choices = [("", "监督范围内全部")] + [
            (str(page.pk), names[page.path]) for page in pages
        ]

    def clean_year(self):
        return self.cleaned_data.get("year") or self.today.year

    def scope_page(self) -> Page | None:
        return self.pages.get(self.cleaned_data.get("scope") or "")


class ZeroReportForm(forms.Form):
    year = forms.TypedChoiceField(label="年度", coerce=int)
    month = forms.TypedChoiceField(label="月份", coerce=int, choices=[(m, f"{m}月") for m in range(1, 13)])

    def __init__(self, *args, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        today = today or clock.today()
        self.fields["year"].choices = [(y, f"{y}年") for y in (today.year, today.year - 1)]
        last_month = today.replace(day=1) - datetime.timedelta(days=1)
        self.fields["year"].initial = last_month.year
        self.fields["month"].initial = last_month.month
