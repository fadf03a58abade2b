import time
from pathlib import Path

import bagit
from django.core.management.base import BaseCommand, CommandError

from archive.volumes import VolumeError, export_volume
from disclosure_pages.selectors import find_unit


class Command(BaseCommand):
    help = "导出一个单位一个年度的归档卷：归档文件目录（PDF 和 CSV，按 DA/T 22），以及 BagIt 格式的 ZIP 归档包（写出后校验）。"

    def add_arguments(self, parser):
        parser.add_argument("unit_path", metavar="UNIT_PATH", help="单位，如“韶关市/武江区/区委办”")
        parser.add_argument("year", type=int, metavar="YEAR", help="年度，如 2026")
        parser.add_argument("outdir", metavar="OUTDIR", help="输出目录（不存在则创建）")

    def handle(self, *args, **options):
        unit = find_unit(options["unit_path"])
        if unit is None:
            raise CommandError(f"找不到单位“{options['unit_path']}”（格式：行政区域/单位，如 韶关市/武江区/区委办）。")
        outdir = Path(options["outdir"])
        if outdir.exists() and not outdir.is_dir():
            raise CommandError(f"输出位置“{outdir}”不是目录。")
        started = time.monotonic()
        last = [0.0]

        def progress(done: int, total: int, number: str) -> None:
            now = time.monotonic()
            if done == total or now - last[0] > 1:
                last[0] = now
                self.stdout.write(f"\r已生成 {done}/{total} 件（{done * 100 // total}%，{number}）", ending="")
                self.stdout.flush()

        try:
            volume = export_volume(unit=unit, year=options["year"], outdir=outdir, progress=progress)
        except VolumeError as exc:
            raise CommandError(str(exc)) from exc
        except bagit.BagValidationError as exc:
            raise CommandError(f"归档包校验失败：{exc}") from exc
        self.stdout.write("")
        self.stdout.write(f"归档文件目录：{volume.catalogue_path}")
        self.stdout.write(f"归档文件目录（CSV）：{volume.csv_path}")
        self.stdout.write(f"归档包（BagIt）：{volume.zip_path}（{volume.bag_files} 个文件）")
        self.stdout.write(
            self.style.SUCCESS(
                f"完成：{volume.unit_path} {volume.year}年度 {volume.records} 件，"
                f"归档包已按 BagIt 校验通过（manifest-sha256），用时 {time.monotonic() - started:.1f} 秒。"
            )
        )
