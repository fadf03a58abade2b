from django.core.management.base import BaseCommand, CommandError

from search.backends import get_backend
from search.indexing import count_indexable_candidates
from search.progress import ProgressBar
from search.selectors import index_check
from search.services import describe_backend, index_rebuild, index_repair


class Command(BaseCommand):
    help = "从数据库重建全文检索索引。重建期间检索照常使用旧索引，完成后一次切换。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-extract", action="store_true", help="不从尚未提取文本的 PDF/DOCX 附件中提取文本（更快）"
        )

    def handle(self, *args, **options):
        backend = get_backend()
        where = describe_backend(backend)
        if not backend.ping():
            raise CommandError(f"无法连接检索索引（{where}），请检查配置或服务状态后重试。")
        total = count_indexable_candidates()
        self.stdout.write(
            f"重建检索索引（{where}）：共 {total:,} 个已发布的事项（社会公开的，以及党内、委员范围的，供有权查看者检索）。"
        )
        bar = ProgressBar(self.stdout, total, unit="项")
        try:
            count = index_rebuild(backend=backend, progress=bar.update, extract=not options["no_extract"])
        except Exception as exc:
            raise CommandError(f"重建失败，原索引保持不变：{exc}") from exc
        bar.total = count
        elapsed = bar.finish()
        rate = count / elapsed if elapsed else 0
        self.stdout.write(self.style.SUCCESS(f"已索引 {count:,} 项，用时 {elapsed:.1f} 秒（{rate:,.0f} 项/秒）。"))

        # Updates made while the new index was being filled may have gone to
        # the old one (Elasticsearch): compare once more and make them good.
        report = index_check(backend=backend)
        changed = [*report.missing, *report.stale, *report.orphaned]
        if changed:
            index_repair(item_ids=changed, backend=backend)
            self.stdout.write(f"重建期间有 {len(changed)} 个事项发生变化，已补充更新。")
