import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "创建管理员账号（已存在则不改动），并打印登录方式。"

    def handle(self, *args, **options):
        username = os.environ.get("ADMIN_USERNAME", "admin")
        password = os.environ.get("ADMIN_PASSWORD", "admin-2026")
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            User.objects.create_superuser(username=username, email="admin@example.org", password=password)
            self.stdout.write(self.style.SUCCESS(f"已创建管理员账号：{username} / {password}"))
        else:
            self.stdout.write(f"管理员账号 {username} 已存在（密码未改动）。")
        self.stdout.write("管理后台：http://127.0.0.1:8000/admin/    公开网站：http://127.0.0.1:8000/")
