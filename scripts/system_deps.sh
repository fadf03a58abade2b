#!/usr/bin/env bash
# Install the Debian packages the project needs, only those that are missing.
set -euo pipefail
missing=()
fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-noto-cjk)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v fc-list >/dev/null 2>&1 || missing+=(fontconfig)
# msgfmt, for `manage.py compilemessages` after editing locale/*.po (the .mo files are committed).
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
# wrk, the HTTP load generator of bench/load.sh.
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "安装系统软件包：${missing[*]}"
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
