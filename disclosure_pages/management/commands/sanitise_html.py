from django.core.management.base import BaseCommand
from django.db import transaction

from disclosure_pages.models import DisclosureItemPage, PortalHomePage, RegionPage, UnitPage
from disclosure_pages.sanitising import sanitise_html


class Command(BaseCommand):
    help = (
        "把已存储的富文本（事项正文、首页/区域/单位简介）按白名单清理一遍：存储前清理之前写入的数据用，"
        "可重复运行。归档记录不改写（只追加不修改），查看时按同一白名单显示。"
    )

    def handle(self, *args, **options):
        changed = 0
        with transaction.atomic():
            for model in (DisclosureItemPage, PortalHomePage, RegionPage, UnitPage):
                for name in model.sanitised_html_fields:
                    for pk, html in model.objects.values_list("pk", name).iterator():
                        cleaned = sanitise_html(html)
                        if cleaned != (html or ""):
                            # A plain UPDATE: the published content keeps its revision and its archive record.
                            model.objects.filter(pk=pk).update(**{name: cleaned})
                            changed += 1
        self.stdout.write(f"已清理 {changed} 处富文本。")
