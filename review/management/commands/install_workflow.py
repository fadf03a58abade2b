from django.core.management.base import BaseCommand

from disclosure_pages.services import roles_sync
from review.services import workflow_install


class Command(BaseCommand):
    help = "安装“党务公开审批流程”（审核 → 审批）并指定给公开平台首页，同步单位用户组。可重复运行。"

    def handle(self, *args, **options):
        workflow = workflow_install()
        pages = workflow.workflow_pages.count()
        tasks = "、".join(task.name for task in workflow.tasks)
        self.stdout.write(f"审批流程：{workflow.name}（{tasks}），指定页面 {pages} 个。")
        if not pages:
            self.stderr.write("尚无公开平台首页：请先运行 load_demo 或建立首页后再运行本命令。")
        report = roles_sync()
        self.stdout.write(f"单位用户组：加入 {report['added']} 人，移出 {report['removed']} 人。")
