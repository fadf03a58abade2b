from django.core.management.base import BaseCommand

from search.models import PendingIndexUpdate
from search.services import pending_sync


class Command(BaseCommand):
    help = "重试此前失败的索引更新（如发布时检索服务不可用）。由 run_scheduler 定期运行。"

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="不等到下次重试时间，立即重试全部待同步事项")

    def handle(self, *args, **options):
        done, failed = pending_sync(due_only=not options["all"])
        if done:
            self.stdout.write(self.style.SUCCESS(f"已同步 {done} 个事项的索引。"))
        if failed:
            self.stderr.write(f"仍有 {failed} 个事项无法更新索引，稍后自动重试。")
        if not done and not failed and options["verbosity"] > 1:
            waiting = PendingIndexUpdate.objects.count()
            self.stdout.write(f"没有到期的待同步事项（共 {waiting} 个等待重试）。")
