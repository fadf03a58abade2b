#!/usr/bin/env bash
# Load test: gunicorn with production settings on the demo data, measured with wrk.
#   bash bench/load.sh [seconds per run, default 15] [connections, default 16]
#   FROM=/tmp/demo-var bash bench/load.sh    # copy a prepared demo database instead of load_demo
#   UNCACHED_ONLY=1 bash bench/load.sh       # skip the runs with the anonymous page cache
# Reports requests/s and p95 latency for the home page, a unit page, an item page and a
# search, without and with the anonymous page cache, and the gunicorn workers' CPU time per
# request (on a shared machine requests/s moves with the neighbours' load; CPU ms per request
# much less). Traffic goes to 127.0.0.1 only. Without wrk, bench/http_load.py generates the load.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-15}
CONNECTIONS=${2:-16}
PORT=${PORT:-8765}
WORK=$(mktemp -d /tmp/bench-load.XXXXXX)
PY=.venv/bin/python
if command -v wrk >/dev/null; then LOADER=wrk; else LOADER=python; echo "（未安装 wrk：用 bench/http_load.py 产生负载）"; fi

export DJANGO_SETTINGS_MODULE=cms.settings.production
export DATABASE_URL="sqlite:///$WORK/db.sqlite3"
export VAR_DIR="$WORK"
export SECRET_KEY="bench-only-$(date +%s)-not-a-real-secret-key-0123456789"
export ALLOWED_HOSTS=127.0.0.1
export REDIS_URL=redis://127.0.0.1:6379/15
export SECURE_SSL_REDIRECT=false
export TASKS_BACKEND=immediate
export ARCHIVE_SIGNING_KEY_AUTOGENERATE=true  # a throwaway key for the throwaway database

if [ -n "${FROM:-}" ]; then  # FROM=<a VAR_DIR with db.sqlite3 and search/ from an earlier load_demo>
  echo "复制演示数据（$FROM → $WORK）……"
  cp "$FROM/db.sqlite3" "$WORK/db.sqlite3"; cp -r "$FROM/search" "$WORK/search"
  $PY manage.py migrate --noinput -v 0
else
  echo "准备数据库（$WORK）……"
  $PY manage.py migrate --noinput -v 0
  $PY manage.py load_demo >/dev/null
  $PY manage.py search_rebuild >/dev/null
fi
$PY manage.py collectstatic --noinput -v 0
ITEM=$($PY manage.py shell --no-imports -c "from disclosure_pages.selectors import public_items; print(public_items().order_by('pk').first().url)")
UNIT=$($PY manage.py shell --no-imports -c "from disclosure_pages.selectors import find_unit; print(find_unit('韶关市/武江区/区委办').url)")
URLS=("/" "$UNIT" "$ITEM" "/search/?q=%E5%85%9A%E8%B4%B9")
NAMES=("首页" "单位页" "事项页" "搜索（党费）")

cat >"$WORK/p95.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.1f %.1f %d %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(95) / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA

workers_cpu_ticks() {  # utime + stime of the gunicorn workers (children of $1), in clock ticks
  local total=0 child
  for child in $(pgrep -P "$1"); do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$child/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

load() {  # URL → "RESULT rps p95 status_errors socket_errors"
  if [ "$LOADER" = wrk ]; then
    wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s "$WORK/p95.lua" "$1" | grep '^RESULT'
  else
    $PY bench/http_load.py "$1" --seconds "$DURATION" --connections "$CONNECTIONS"
  fi
}

run_suite() {
  local label=$1 cache_seconds=$2
  PUBLIC_PAGE_CACHE_SECONDS=$cache_seconds .venv/bin/gunicorn cms.wsgi:application \
    --bind "127.0.0.1:$PORT" --workers 3 --env DJANGO_SETTINGS_MODULE=cms.settings.production \
    --log-level warning >"$WORK/gunicorn-$label.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/" -o /dev/null && break; sleep 0.5; done
  redis-cli -n 15 flushdb >/dev/null 2>&1 || true
  for i in "${!URLS[@]}"; do
    # Every worker's first requests load templates and code: warm them all before measuring.
    for _ in 1 2 3 4 5 6; do curl -sf "http://127.0.0.1:$PORT${URLS[$i]}" -o /dev/null || echo "警告：${URLS[$i]} 未返回 200"; done
    local line
    local before after
    before=$(workers_cpu_ticks "$pid")
    [ "$before" -gt 0 ] || echo "警告：找不到 gunicorn 工作进程（$pid）：$(pgrep -P "$pid" | tr '\n' ' ')"
    line=$(load "http://127.0.0.1:$PORT${URLS[$i]}")
    after=$(workers_cpu_ticks "$pid")
    read -r _ rps p95 status_errors socket_errors <<<"$line"
    local cpu_ms
    cpu_ms=$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v r="$rps" -v d="$DURATION" 'BEGIN { n = r * d; printf "%.1f", (n > 0 ? t * 1000 / hz / n : 0) }')
    printf "| %s | %s | %s | %s | %s | %s / %s |\n" "$label" "${NAMES[$i]}" "$rps" "$p95" "$cpu_ms" "$status_errors" "$socket_errors"
  done
  if ! kill "$pid" 2>/dev/null; then echo "gunicorn 已提前退出："; tail -20 "$WORK/gunicorn-$label.log"; fi
  wait "$pid" 2>/dev/null || true
}

echo "| 缓存 | 页面 | 请求/秒 | p95 (ms) | 工作进程 CPU 毫秒/请求 | 错误（非2xx / 连接或超时） |"
echo "| --- | --- | --- | --- | --- | --- |"
run_suite "无缓存" 0
[ -n "${UNCACHED_ONLY:-}" ] || run_suite "匿名页缓存" 300
rm -rf "$WORK"
