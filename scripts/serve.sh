#!/usr/bin/env bash
# Serve the site with its background worker (django-tasks queue) and the scheduler
# (scheduled publication, reminders), and stop all three together.
set -euo pipefail
HOST=${1:-127.0.0.1}
PORT=${2:-8000}
PY=${PY:-.venv/bin/python}
mkdir -p var/log
$PY manage.py db_worker >var/log/worker.log 2>&1 &
WORKER=$!
$PY manage.py run_scheduler >var/log/scheduler.log 2>&1 &
SCHEDULER=$!
trap 'kill $WORKER $SCHEDULER 2>/dev/null || true' EXIT INT TERM
echo "后台任务进程 PID $WORKER（日志 var/log/worker.log），定时任务进程 PID $SCHEDULER（日志 var/log/scheduler.log）"
echo "网站地址：http://$HOST:$PORT/    管理后台：http://$HOST:$PORT/admin/"
$PY manage.py runserver "$HOST:$PORT"
