from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archive import signing
from archive.services import sign_unsigned_chains


class Command(BaseCommand):
    help = (
        "准备归档签名私钥：未配置时在 ARCHIVE_SIGNING_KEY_FILE 生成一把（仅供开发和演示），"
        "并为签名功能启用前形成、从未签名的归档链补签链头。"
    )

    # Production's system check (archive.E002) fails while no key is configured: this command is how one gets made.
    requires_system_checks = []

    def handle(self, *args, **options):
        source = signing.configured_source()
        if source is None:
            path = Path(settings.ARCHIVE_SIGNING_KEY_FILE)
            try:
                signing.generate_key_file(path)
            except FileExistsError:
                pass
            self.stderr.write(self.style.WARNING(signing.KEY_WARNING.format(path=path)))
            source = str(path)
        try:
            key = signing.private_key(generate=False).public_key()
        except Exception as exc:  # a malformed key: say so and stop
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"归档签名私钥：{source}")
        self.stdout.write(f"公钥标识：{signing.key_id(key)}　指纹：{signing.fingerprint(key)}")
        signed, refused = sign_unsigned_chains()
        for unit_path, reason in refused:
            self.stderr.write(f"未补签“{unit_path}”：{reason}")
        if signed:
            self.stdout.write(f"已为 {signed} 个从未签名的单位归档链补签链头。")
