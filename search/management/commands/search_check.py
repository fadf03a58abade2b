from django.core.management.base import BaseCommand, CommandError

from disclosure_pages.models import DisclosureItemPage
from search.backends import get_backend
from search.selectors import CheckReport, index_check
from search.services import describe_backend, index_repair


class Command(BaseCommand):
    help = (
        "核对全文检索索引与数据库：列出缺失、内容过期和不应出现在索引中的事项；"
        "--fix 立即修复。发现问题（且未修复）时退出码非零。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="修复发现的问题（补充、更新、删除索引条目）")
        parser.add_argument("--limit", type=int, default=20, help="每类最多列出多少个事项（默认 20）")

    def handle(self, *args, **options):
        backend = get_backend()
        where = describe_backend(backend)
        if not backend.ping():
            raise CommandError(f"无法连接检索索引（{where}），无法核对。", returncode=2)
        report = index_check(backend=backend)
        self.stdout.write(f"核对检索索引（{where}）")
        self.stdout.write(f"  应索引的事项：{report.expected:,}    索引中的条目：{report.indexed:,}")
        self._list("缺失（已发布的事项，索引中没有）", report.missing, options["limit"])
        self._list("过期（索引内容与数据库不一致）", report.stale, options["limit"])
        self._list("多余（已撤消、撤回、删除或不应检索，仍在索引中）", report.orphaned, options["limit"])
        if report.pending:
            self.stdout.write(f"  等待重试的索引更新：{report.pending}")

        if report.ok:
            if options["fix"] and report.pending:
                index_repair(item_ids=[], backend=backend)
            self.stdout.write(self.style.SUCCESS("索引与数据库一致。"))
            return
        if not options["fix"]:
            raise CommandError(f"发现 {report.problems} 处不一致，运行 search_check --fix 修复。", returncode=1)
        self._fix(report, backend)

    def _fix(self, report: CheckReport, backend) -> None:
        try:
            index_repair(item_ids=[*report.missing, *report.stale, *report.orphaned], backend=backend)
        except Exception as exc:
            raise CommandError(f"修复失败：{exc}", returncode=1) from exc
        after = index_check(backend=backend)
        if not after.ok:
            raise CommandError(
                f"修复后仍有 {after.problems} 处不一致（可能有事项正在更新），请稍后再核对。", returncode=1
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"已修复：补充 {len(report.missing)} 项，更新 {len(report.stale)} 项，删除 {len(report.orphaned)} 项。"
            )
        )

    def _list(self, label: str, ids: list[int], limit: int) -> None:
        self.stdout.write(f"  {label}：{len(ids)}")
        if not ids or limit <= 0:
            return
        shown = ids[:limit]
        titles = dict(DisclosureItemPage.objects.filter(pk__in=shown).values_list("pk", "title"))
        for item_id in shown:
            self.stdout.write(f"    {item_id}  {titles.get(item_id, '（已删除）')}")
        if len(ids) > limit:
            self.stdout.write(f"    ……另有 {len(ids) - limit} 项")
