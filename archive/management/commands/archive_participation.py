import time

from django.core.management.base import BaseCommand

from archive.participation_records import archive_past_participation


class Command(BaseCommand):
    help = (
        "将已办结的依申请公开申请（答复或不予受理）和已答复的意见建议、点题补充归档（归档类别“依申请公开”“意见建议”），"
        "用于升级前办结的旧数据；已归档的不再重复归档，可重复运行。"
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        report = archive_past_participation(progress=lambda message: self.stdout.write(f"{message}……"))
        self.stdout.write(
            self.style.SUCCESS(
                f"完成：依申请公开新归档 {report.requests_filed} 件（已有 {report.requests_present} 件），"
                f"意见建议与点题新归档 {report.feedback_filed} 件（已有 {report.feedback_present} 件），"
                f"用时 {time.monotonic() - started:.1f} 秒。"
            )
        )
