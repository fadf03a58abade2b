"""Seed 2027 with its statutory holidays, marked 暂定 (provisional).

The State Council's 2027 arrangement (调休放假 and 调休上班 days) was not in any data available
when this was written. The statutory days themselves are fixed by 《全国年节及纪念日放假办法》
(2024 revision): 元旦 1/1; 春节 农历除夕至正月初三; 清明节 the 清明 solar term; 劳动节 5/1–5/2;
端午节 农历五月初五; 中秋节 农历八月十五; 国庆节 10/1–10/3. Every official arrangement keeps
them as days off, so seeding them is never wrong, only incomplete. The lunar and solar-term
dates were computed with the lunardate and chinese-calendar packages (which agree with the
published 2025 and 2026 notices) and are frozen here.

Days an administrator has already entered are left as they are.
"""

import datetime

from django.db import migrations

STATUTORY_2027 = [
    ("2027-01-01", "元旦"),
    ("2027-02-05", "春节"),  # 除夕
    ("2027-02-06", "春节"),  # 正月初一
    ("2027-02-07", "春节"),
    ("2027-02-08", "春节"),
    ("2027-04-05", "清明节"),
    ("2027-05-01", "劳动节"),
    ("2027-05-02", "劳动节"),
    ("2027-06-09", "端午节"),
    ("2027-09-15", "中秋节"),
    ("2027-10-01", "国庆节"),
    ("2027-10-02", "国庆节"),
    ("2027-10-03", "国庆节"),
]


def seed(apps, schema_editor):
    Holiday = apps.get_model("deadlines", "Holiday")
    for day, name in STATUTORY_2027:
        Holiday.objects.get_or_create(
            date=datetime.date.fromisoformat(day), defaults={"kind": "holiday", "name": name, "provisional": True}
        )


def unseed(apps, schema_editor):
    Holiday = apps.get_model("deadlines", "Holiday")
    dates = [datetime.date.fromisoformat(day) for day, _ in STATUTORY_2027]
    Holiday.objects.filter(date__in=dates, provisional=True).delete()


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0003_holiday_provisional")]

    operations = [migrations.RunPython(seed, unseed)]
