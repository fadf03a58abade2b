"""Seed the holiday calendar with the official arrangements for 2025 and 2026.

Source: 国务院办公厅关于2025年、2026年部分节假日安排的通知, as carried by the `chinese-calendar`
package 1.11.0 (frozen here so that the migration never changes with the package). 2025 is
included because the demo data and last year's reminders still have periods due in it.
2027's arrangement was not in any data available when this was written; 0004 seeds its statutory
days as 暂定 and administrators complete it under 设置 → 节假日安排 once the State Council publishes it.
"""

from django.db import migrations

HOLIDAYS = [
    ("2025-01-01", "holiday", "元旦"),
    ("2025-01-26", "workday", "春节"),
    ("2025-01-28", "holiday", "春节"),
    ("2025-01-29", "holiday", "春节"),
    ("2025-01-30", "holiday", "春节"),
    ("2025-01-31", "holiday", "春节"),
    ("2025-02-01", "holiday", "春节"),
    ("2025-02-02", "holiday", "春节"),
    ("2025-02-03", "holiday", "春节"),
    ("2025-02-04", "holiday", "春节"),
    ("2025-02-08", "workday", "春节"),
    ("2025-04-04", "holiday", "清明节"),
    ("2025-04-05", "holiday", "清明节"),
    ("2025-04-06", "holiday", "清明节"),
    ("2025-04-27", "workday", "劳动节"),
    ("2025-05-01", "holiday", "劳动节"),
    ("2025-05-02", "holiday", "劳动节"),
    ("2025-05-03", "holiday", "劳动节"),
    ("2025-05-04", "holiday", "劳动节"),
    ("2025-05-05", "holiday", "劳动节"),
    ("2025-05-31", "holiday", "端午节"),
    ("2025-06-01", "holiday", "端午节"),
    ("2025-06-02", "holiday", "端午节"),
    ("2025-09-28", "workday", "国庆节"),
    ("2025-10-01", "holiday", "国庆节"),
    ("2025-10-02", "holiday", "国庆节"),
    ("2025-10-03", "holiday", "国庆节"),
    ("2025-10-04", "holiday", "国庆节"),
    ("2025-10-05", "holiday", "国庆节"),
    ("2025-10-06", "holiday", "中秋节"),
    ("2025-10-07", "holiday", "国庆节"),
    ("2025-10-08", "holiday", "国庆节"),
    ("2025-10-11", "workday", "国庆节"),
    ("2026-01-01", "holiday", "元旦"),
    ("2026-01-02", "holiday", "元旦"),
    ("2026-01-03", "holiday", "元旦"),
    ("2026-01-04", "workday", "元旦"),
    ("2026-02-14", "workday", "春节"),
    ("2026-02-15", "holiday", "春节"),
    ("2026-02-16", "holiday", "春节"),
    ("2026-02-17", "holiday", "春节"),
    ("2026-02-18", "holiday", "春节"),
    ("2026-02-19", "holiday", "春节"),
    ("2026-02-20", "holiday", "春节"),
    ("2026-02-21", "holiday", "春节"),
    ("2026-02-22", "holiday", "春节"),
    ("2026-02-23", "holiday", "春节"),
    ("2026-02-28", "workday", "春节"),
    ("2026-04-04", "holiday", "清明节"),
    ("2026-04-05", "holiday", "清明节"),
    ("2026-04-06", "holiday", "清明节"),
    ("2026-05-01", "holiday", "劳动节"),
    ("2026-05-02", "holiday", "劳动节"),
    ("2026-05-03", "holiday", "劳动节"),
    ("2026-05-04", "holiday", "劳动节"),
    ("2026-05-05", "holiday", "劳动节"),
    ("2026-05-09", "workday", "劳动节"),
    ("2026-06-19", "holiday", "端午节"),
    ("2026-06-20", "holiday", "端午节"),
    ("2026-06-21", "holiday", "端午节"),
    ("2026-09-20", "workday", "国庆节"),
    ("2026-09-25", "holiday", "中秋节"),
    ("2026-09-26", "holiday", "中秋节"),
    ("2026-09-27", "holiday", "中秋节"),
    ("2026-10-01", "holiday", "国庆节"),
    ("2026-10-02", "holiday", "国庆节"),
    ("2026-10-03", "holiday", "国庆节"),
    ("2026-10-04", "holiday", "国庆节"),
    ("2026-10-05", "holiday", "国庆节"),
    ("2026-10-06", "holiday", "国庆节"),
    ("2026-10-07", "holiday", "国庆节"),
    ("2026-10-10", "workday", "国庆节"),
]


def seed(apps, schema_editor):
    Holiday = apps.get_model("deadlines", "Holiday")
    for day, kind, name in HOLIDAYS:
        Holiday.objects.get_or_create(date=day, defaults={"kind": kind, "name": name})


def unseed(apps, schema_editor):
    Holiday = apps.get_model("deadlines", "Holiday")
    Holiday.objects.filter(date__in=[day for day, _, _ in HOLIDAYS]).delete()


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
