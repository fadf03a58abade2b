import datetime

from django.core.management.base import BaseCommand, CommandError

from deadlines import clock
from deadlines.reminders import reminders_due
from deadlines.services import reminder_send


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期“{value}”无效，请使用 YYYY-MM-DD 格式。")


class Command(BaseCommand):
    help = (
        "公开时限提醒：给即将到期（N日内）或已逾期的单位录入人发提醒，给监督范围内的组织部门发汇总。"
        "可反复运行（如每日一次）：同一收件人、同一目录、同一期、同一类提醒只发一次。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=5, help="提前提醒的天数，默认 5")
        parser.add_argument("--dry-run", action="store_true", help="只列出将要发送的提醒，不发送、不记录")
        parser.add_argument("--today", type=_date, default=None, help="按此日期计算（默认今天），YYYY-MM-DD")

    def handle(self, *args, days, dry_run, today, **options):
        if days < 0 or days > 60:
            raise CommandError("--days 应在 0 到 60 之间。")
        today = today or clock.today()
        self.stdout.write(f"计算 {today:%Y-%m-%d} 的到期情况（提前 {days} 日）……")
        reminders = reminders_due(today=today, days=days)
        sent = skipped = failed = mailed = 0
        for n, reminder in enumerate(reminders, 1):
            user = reminder.user
            line = (
                f"[{n}/{len(reminders)}] {'录入人' if reminder.role == 'editor' else '督查'} {user.get_username()}"
                f"：即将到期 {len(reminder.due_soon)} 项，已逾期 {len(reminder.overdue)} 项"
            )
            if not user.email:
                skipped += 1
            if dry_run:
                self.stdout.write(f"{line} —— 演练，不发送")
                continue
            try:
                reminder_send(reminder=reminder, today=today, days=days)
            except Exception as error:  # one refused address must not stop the others
                failed += 1
                self.stderr.write(f"{line} —— 发送失败：{error}")
                continue
            sent += 1
            mailed += bool(user.email)
            where = f"站内消息及邮件 {user.email}" if user.email else "站内消息（未填写邮箱，未发邮件）"
            self.stdout.write(f"{line} —— 已发送至{where}")
        verb = "将发送" if dry_run else "已发送"
        notices = len(reminders) if dry_run else sent
        mails = notices - skipped if dry_run else mailed
        self.stdout.write(
            self.style.SUCCESS(
                f"完成：{verb} {mails} 封，站内消息 {notices} 条（无邮箱、只发站内消息 {skipped} 人），失败 {failed} 封。"
            )
        )
