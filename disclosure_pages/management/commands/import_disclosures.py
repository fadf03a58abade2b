import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from disclosure_pages.importer import import_disclosures


class Command(BaseCommand):
    help = "从 JSON Lines 文件导入历史公开事项：先逐行检查，任何一行有误则不导入任何内容。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSONL 文件，每行一个事项；“-”表示标准输入")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不导入")

    def handle(self, *args, **options):
        path = options["file"]
        try:
            handle = sys.stdin if path == "-" else Path(path).open(encoding="utf-8-sig")
        except OSError as exc:
            raise CommandError(f"无法打开文件 {path}：{exc.strerror}") from exc
        started = time.monotonic()
        last = [0.0, 0]  # when progress was last shown, and at which tenth

        def progress(done: int, total: int) -> None:
            # At most once a second, and at every tenth (bench/import_10k.py reads the rate of each).
            now = time.monotonic()
            tenth = done * 10 // total
            if done == total or now - last[0] > 1 or tenth != last[1]:
                last[0], last[1] = now, tenth
                rate = done / max(now - started, 1e-6)
                self.stdout.write(f"\r已导入 {done}/{total}（{done * 100 // total}%，{rate:.0f} 条/秒）", ending="")
                self.stdout.flush()

        with handle:
            try:
                report = import_disclosures(
                    handle,
                    dry_run=options["dry_run"],
                    progress=progress,
                    archiving=lambda total: self.stdout.write(f"\n正在归档 {total} 条（写入档案记录）……"),
                )
            except UnicodeDecodeError as exc:
                raise CommandError(f"文件不是 UTF-8 编码：{exc}") from exc
        if report.errors:
            for number, problem in report.errors:
                self.stderr.write(f"第 {number} 行：{problem}")
            bad_lines = len({number for number, _ in report.errors})
            raise CommandError(f"共 {report.lines} 行，其中 {bad_lines} 行有误，未导入任何内容。")
        if options["dry_run"]:
            self.stdout.write(self.style.SUCCESS(f"检查通过：共 {report.lines} 行，均可导入（未写入，--dry-run）。"))
            return
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"导入完成：{len(report.created_ids)} 条，用时 {time.monotonic() - started:.1f} 秒。")
        )
