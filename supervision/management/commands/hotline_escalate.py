import datetime

from django.core.management.base import BaseCommand, CommandError

from deadlines import clock
from supervision.hotline_services import opinion_escalate, opinions_to_escalate


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期“{value}”无效，请使用 YYYY-MM-DD 格式。")


class Command(BaseCommand):
    help = (
        "监督意见“直通车”：逾期未答复的监督意见提请上级督办（通知监督范围覆盖该单位的组织部门）。"
        "可反复运行（run_scheduler 每小时一次）：每条意见只报一次。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=_date, default=None, help="按此日期计算（默认今天），YYYY-MM-DD")

    def handle(self, *args, today, **options):
        today = today or clock.today()
        escalated = 0
        for opinion in opinions_to_escalate(today=today):
            done = opinion_escalate(opinion=opinion, today=today)
            if done is None:
                continue
            escalated += 1
            names = "、".join(user.get_username() for user in done.supervisors) or "（无上级账号）"
            self.stdout.write(
                f"{opinion.number} {opinion.unit.display_name} 期限 {opinion.due_date:%Y-%m-%d} —— 已报 {names}"
            )
        self.stdout.write(self.style.SUCCESS(f"完成：{escalated} 条逾期监督意见提请上级督办。"))
