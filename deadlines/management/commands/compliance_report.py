import csv
import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from deadlines import clock
from deadlines.choices import ComplianceState
from deadlines.selectors import compliance_rows, find_scope

FIELDS = ["unit", "code", "period", "due", "published", "state", "days_late"]


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期“{value}”无效，请使用 YYYY-MM-DD 格式。")


class Command(BaseCommand):
    help = (
        "公开时限督查：按单位 × 目录代码 × 周期输出应公开日期、实际发布日期和状态"
        "（on_time 按时、late 逾期、zero_report 零上报、missing 未公开、not_due 未到期）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default="", help="区域或单位路径，如 韶关市 或 韶关市/武江区/区委办；省略则为全部")
        parser.add_argument("--year", type=int, default=None, help="年度（周期所属年度），默认今年")
        parser.add_argument("--format", choices=["json", "csv"], default="json", help="输出格式，默认 json")
        parser.add_argument("--today", type=_date, default=None, help="按此日期判断是否到期（默认今天），YYYY-MM-DD")

    def handle(self, *args, path, year, format, today, **options):
        today = today or clock.today()
        year = year or today.year
        if not 2000 <= year <= 2100:
            raise CommandError(f"年度 {year} 超出范围（2000–2100）。")
        roots = None
        if path.strip().strip("/"):
            scope = find_scope(path)
            if scope is None:
                raise CommandError(f"找不到区域或单位“{path}”。路径从最上级区域写起，如 韶关市/武江区/区委办。")
            roots = [scope]
        rows = [row.as_report() for row in compliance_rows(roots=roots, year=year, today=today)]
        if format == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
        else:
            writer = csv.DictWriter(self.stdout, fieldnames=FIELDS, lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow({**row, "published": row["published"] or ""})
        counts = state_counts_from_report(rows)
        summary = "，".join(f"{ComplianceState(state).label} {n}" for state, n in counts.items())
        self.stderr.write(f"共 {len(rows)} 行（{year}年，截至 {today:%Y-%m-%d}）：{summary}")


def state_counts_from_report(rows: list[dict]) -> dict[str, int]:
    counts = dict.fromkeys(ComplianceState.values, 0)
    for row in rows:
        counts[row["state"]] += 1
    return counts

