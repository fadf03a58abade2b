from django.core.management.base import BaseCommand, CommandError

from archive.services import fill_archive_store
from disclosure_pages.selectors import find_unit


class Command(BaseCommand):
    help = (
        "为归档副本功能启用前形成的归档记录补存附件：现行文件的 SHA-256 与归档时记载一致的，复制到归档存储；"
        "不一致或已缺失的，原件已无法补存，逐条报告并以非零状态退出。可重复运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", metavar="UNIT_PATH", help="只处理一个单位，如“韶关市/武江区/区委办”")

    def handle(self, *args, **options):
        unit = None
        if options["unit"]:
            unit = find_unit(options["unit"])
            if unit is None:
                raise CommandError(f"找不到单位“{options['unit']}”（格式：行政区域/单位，如 韶关市/武江区/区委办）。")
        report = fill_archive_store(unit=unit)
        for problem in report.lost:
            self.stderr.write(problem)
        summary = f"已有归档副本 {report.present} 个，补存 {report.stored} 个"
        if report.lost:
            raise CommandError(f"{summary}，{len(report.lost)} 个无法补存（原件已改动或缺失）。", returncode=1)
        self.stdout.write(self.style.SUCCESS(f"{summary}。"))
