"""System check: PDFs need a CJK font, or WeasyPrint draws Chinese as empty boxes."""

from __future__ import annotations

import shutil
import subprocess

from django.core import checks


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
