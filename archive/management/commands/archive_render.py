import time

from django.core.management.base import BaseCommand, CommandError

from archive.models import ArchiveRecord, RecordRendering
from archive.services import render_records
from disclosure_pages.selectors import find_unit


class Command(BaseCommand):
    help = "为尚未生成 PDF 的归档记录生成归档文件 PDF 和审批表 PDF（每条只生成一次，存入归档存储）；可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument("--unit", metavar="UNIT_PATH", help="只处理一个单位，如“韶关市/武江区/区委办”")
        parser.add_argument("--batch", type=int, default=200, help="每批记录数（默认 200）")

    def handle(self, *args, **options):
        records = ArchiveRecord.objects.order_by("unit_id", "chain_index")
        if options["unit"]:
            unit = find_unit(options["unit"])
            if unit is None:
                raise CommandError(f"找不到单位“{options['unit']}”（格式：行政区域/单位，如 韶关市/武江区/区委办）。")
            records = records.filter(unit=unit)
        rendered = set(RecordRendering.objects.filter(kind="record").values_list("record_id", flat=True))
        todo = [pk for pk in records.values_list("pk", flat=True) if pk not in rendered]
        started, done = time.monotonic(), 0
        for start in range(0, len(todo), options["batch"]):
            batch = list(ArchiveRecord.objects.filter(pk__in=todo[start : start + options["batch"]]).order_by("pk"))
            done += render_records(batch)
            self.stdout.write(f"已生成 {done}/{len(todo)} 条……")
        self.stdout.write(self.style.SUCCESS(f"完成：生成 {done} 条记录的 PDF，用时 {time.monotonic() - started:.1f} 秒。"))
