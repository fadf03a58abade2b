import time

from django.core.management.base import BaseCommand

from disclosure_pages.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "载入演示数据：各地党务公开文件中的组织机构、公开目录和已发布的公开事项（可重复运行，不会重复创建）。"

    def add_arguments(self, parser):
        parser.add_argument("--no-items", action="store_true", help="只载入组织机构和目录")
        parser.add_argument("--no-users", action="store_true", help="不创建演示账号")

    def handle(self, *args, **options):
        started = time.monotonic()
        report = load_demo(
            with_items=not options["no_items"],
            with_users=not options["no_users"],
            progress=lambda line: self.stdout.write(line),
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"完成（{time.monotonic() - started:.1f} 秒）：新建行政区域 {report.regions} 个、单位 {report.units} 个、"
                f"目录节点 {report.nodes} 个、公开事项 {report.items} 条、演示账号 {report.users} 个。"
            )
        )
        if report.users:
            self.stdout.write(f"演示账号密码均为 {DEMO_PASSWORD}（wj_editor、wj_reviewer、wj_leader、sg_supervisor 等）。")
