from django.core.management.base import BaseCommand

from sms.services import messages_send_due


class Command(BaseCommand):
    help = "发送到期的短信（免打扰时段结束后的提醒、网关故障后的重试）。由 run_scheduler 每分钟运行。"

    def handle(self, *args, **options):
        sent, failed = messages_send_due()
        if sent or failed or options["verbosity"] > 1:
            self.stdout.write(f"短信：已发送 {sent} 条，未能发送 {failed} 条（稍后重试）。")
