"""System checks: PDFs need a CJK font (or WeasyPrint draws Chinese as empty boxes); filing needs the signing key."""

from __future__ import annotations

import shutil
import subprocess

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register("archive")
def cjk_font_installed(app_configs, **kwargs):
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return [checks.Warning("找不到 fc-list，无法确认中文字体。", hint="安装 fontconfig 与 fonts-noto-cjk。", id="archive.W001")]
    found = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=10).stdout
    if "CJK SC" not in found:
        return [
            checks.Warning(
                "未安装简体中文字体（Noto Serif/Sans CJK SC）：审批表和归档 PDF 中的中文将显示为方框。",
                hint="apt-get install fonts-noto-cjk（make system-deps）。",
                id="archive.W001",
            )
        ]
    return []


@checks.register("archive")
def signing_key_configured(app_configs, **kwargs):
    """Without a key nothing can be filed, so nothing can be published: say so before the first publication."""
    from .signing import configured_source, private_key

    if configured_source() is None:
        if settings.ARCHIVE_SIGNING_KEY_AUTOGENERATE:
            return []  # development: generated at the first filing (make run does it first, archive_keygen)
        return [
            checks.Error(
                "未配置归档签名私钥：没有私钥不能归档，发布将失败。",
                hint="设置环境变量 ARCHIVE_SIGNING_KEY（PEM 或 base64 原始私钥），或把私钥文件放在 "
                f"{settings.ARCHIVE_SIGNING_KEY_FILE}（ARCHIVE_SIGNING_KEY_FILE）。私钥不要放在数据库服务器上。",
                id="archive.E002",
            )
        ]
    try:
        private_key(generate=False)
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="archive.E003")]
    return []
