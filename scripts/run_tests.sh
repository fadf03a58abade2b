#!/usr/bin/env bash
# The whole suite, as `make test` and CI run it: the browser tests (one process: one server, one Chromium)
# beside the rest (pytest-xdist, one worker a core). The browser tests spend most of their time waiting
# for the browser and the server, so the two together take about as long as the longer one; run one after
# the other they took the sum. The browser tests' output is printed when both are done.
#   PYTEST_ARGS   extra arguments for both runs (e.g. -x)
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
mkdir -p var
browser_log=var/browser-tests.log
"$PY" -m pytest -m browser ${PYTEST_ARGS:-} >"$browser_log" 2>&1 &
browser_pid=$!
trap 'kill "$browser_pid" 2>/dev/null' INT TERM
"$PY" -m pytest -n auto -m "not browser" ${PYTEST_ARGS:-}
rest=$?
wait "$browser_pid"
browser=$?
echo "== Browser tests (log: $browser_log)"
cat "$browser_log"
echo "== Result: the rest of the suite exited $rest, the browser tests $browser"
[ "$rest" -eq 0 ] && [ "$browser" -eq 0 ]
