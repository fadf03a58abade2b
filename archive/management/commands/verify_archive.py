import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from archive.verify import verify_archive
from disclosure_pages.selectors import find_unit


class Command(BaseCommand):
    help = (
        "核验归档记录：重新计算每条记录的校验值，核对各单位的记录链、链头签名（Ed25519）与见证日志、"
        "审批表，以及归档存储中附件副本的 SHA-256；发现问题时以非零状态退出。"
        "现行附件文件与归档原件不同只作提示（归档副本另存）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", metavar="UNIT_PATH", help="只核验一个单位，如“韶关市/武江区/区委办”")
        parser.add_argument("--skip-files", action="store_true", help="不重新计算附件文件的校验值（更快）")
        parser.add_argument(
            "--public-key",
            metavar="PEM_FILE",
            help="用这个公钥核验签名（如 /archive/public-key/ 公布的公钥）；默认用本机配置的签名私钥的公钥",
        )

    def handle(self, *args, **options):
        unit = None
        if options["unit"]:
            unit = find_unit(options["unit"])
            if unit is None:
                raise CommandError(f"找不到单位“{options['unit']}”（格式：行政区域/单位，如 韶关市/武江区/区委办）。")
        started = time.monotonic()
        try:
            result = verify_archive(
                unit=unit,
                check_files=not options["skip_files"],
                public_key_file=options["public_key"],
                progress=lambda n: self.stdout.write(f"已核验 {n} 条……"),
            )
        except DatabaseError as exc:
            # A dropped or altered archive table is a finding, not a traceback.
            raise CommandError(f"无法读取归档数据表（可能已被删除或改动）：{exc}", returncode=2) from exc
        for problem in result.problems:
            self.stderr.write(str(problem))
        for notice in result.notices:
            self.stdout.write(f"提示：{notice}")
        summary = (
            f"共核验 {result.units} 个单位、{result.records} 条归档记录、{result.signatures} 个签名链头、"
            f"{result.attachments} 个附件，"
            f"用时 {time.monotonic() - started:.1f} 秒。"
        )
        if not result.ok:
            raise CommandError(
                f"{summary}发现 {result.bad_records} 条记录有问题（{len(result.problems)} 处）。", returncode=1
            )
        self.stdout.write(self.style.SUCCESS(f"{summary}全部一致。"))
