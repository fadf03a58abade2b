import csv
import json

from django.core.management.base import BaseCommand, CommandError

from disclosure_pages.selectors import catalog_rows, find_unit

FIELDS = ["code", "level1", "level2", "content", "scope", "forms", "time_limit", "responsible_unit", "note"]


class Command(BaseCommand):
    help = "导出单位的公开目录（备案用）：每个三级目录一行。"

    def add_arguments(self, parser):
        parser.add_argument("unit_path", help="单位路径，如 龙口市/市科技局党支部")
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, **options):
        unit = find_unit(options["unit_path"])
        if unit is None:
            raise CommandError(f"未找到单位“{options['unit_path']}”，请使用“地区/单位”形式，如 韶关市/武江区/区委办")
        rows = [{key: row[key] for key in FIELDS} for row in catalog_rows(unit)]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            writer = csv.DictWriter(self.stdout, fieldnames=FIELDS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
