"""A small in-process scheduler so that `make run` needs no hand-made cron entry.

Scheduled publication is the classic casualty of a missing cron job: pages with a
go-live time simply never appear. This loop runs Wagtail's `publish_scheduled`
every minute, plus the other periodic jobs registered in JOBS.
"""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

# (command name, interval in seconds)
JOBS: list[tuple[str, int]] = [("publish_scheduled", 60), ("search_sync", 60), ("sms_send_due", 60), ("send_reminders", 86400), ("hotline_escalate", 3600)]


class Command(BaseCommand):
    help = "定时任务：每分钟发布到期的定时发布事项等（make run 自动启动）。"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="每项任务只运行一次后退出")

    def handle(self, *args, **options):
        last_run: dict[str, float] = {}
        while True:
            now = time.monotonic()
            for name, interval in JOBS:
                if now - last_run.get(name, -interval) >= interval:
                    last_run[name] = now
                    try:
                        # One transaction per job: a publication and its archive record land together.
                        with transaction.atomic():
                            call_command(name, stdout=self.stdout, stderr=self.stderr)
                    except Exception as exc:  # one failing job must not stop the others
                        self.stderr.write(f"{timezone.localtime():%Y-%m-%d %H:%M:%S} {name} 失败：{exc}")
            if options["once"]:
                return
            time.sleep(5)
