#!/usr/bin/env bash
# Load test: gunicorn with production settings on the demo data, measured with wrk.
#   bash bench/load.sh [seconds per run, default 15] [connections, default 16]
# Reports requests/s and p95 latency for the home page, a unit page, an item page and a
# search, without and with the anonymous page cache. Traffic goes to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-15}
CONNECTIONS=${2:-16}
PORT=${PORT:-8765}
WORK=$(mktemp -d /tmp/bench-load.XXXXXX)
PY=.venv/bin/python
command -v wrk >/dev/null || { echo "需要 wrk（apt-get install wrk）"; exit 1; }

export DJANGO_SETTINGS_MODULE=cms.settings.production
export DATABASE_URL="sqlite:///$WORK/db.sqlite3"
export VAR_DIR="$WORK"
export SECRET_KEY="bench-only-$(date +%s)-not-a-real-secret-key-0123456789"
export ALLOWED_HOSTS=127.0.0.1
export REDIS_URL=redis://127.0.0.1:6379/15
export SECURE_SSL_REDIRECT=false
export TASKS_BACKEND=immediate

echo "准备数据库（$WORK）……"
$PY manage.py migrate --noinput -v 0
$PY manage.py load_demo >/dev/null
$PY manage.py search_rebuild >/dev/null
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

run_suite() {
  local label=$1 cache_seconds=$2
  PUBLIC_PAGE_CACHE_SECONDS=$cache_seconds .venv/bin/gunicorn cms.wsgi:application \
    --bind "127.0.0.1:$PORT" --workers 3 --env DJANGO_SETTINGS_MODULE=cms.settings.production \
    --log-level warning >"$WORK/gunicorn-$label.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/" -o /dev/null && break; sleep 0.5; done
  redis-cli -n 15 flushdb >/dev/null 2>&1 || true
  for i in "${!URLS[@]}"; do
    curl -sf "http://127.0.0.1:$PORT${URLS[$i]}" -o /dev/null || echo "警告：${URLS[$i]} 未返回 200"
    local line
    line=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s "$WORK/p95.lua" "http://127.0.0.1:$PORT${URLS[$i]}" | grep '^RESULT')
    read -r _ rps p95 status_errors socket_errors <<<"$line"
    printf "| %s | %s | %s | %s | %s / %s |\n" "$label" "${NAMES[$i]}" "$rps" "$p95" "$status_errors" "$socket_errors"
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

echo "| 缓存 | 页面 | 请求/秒 | p95 (ms) | 错误（非2xx / 连接或超时） |"
echo "| --- | --- | --- | --- | --- |"
run_suite "无缓存" 0
run_suite "匿名页缓存" 300
rm -rf "$WORK"
