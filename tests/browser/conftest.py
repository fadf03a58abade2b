"""Real-browser tests: Debian's Chromium driven by Playwright against a real server.

The server runs in its own process on its own SQLite file (migrated, demo loaded), so
these tests see exactly what a person would, and never touch the pytest database.
Screenshots of failed tests are kept under test-artifacts/.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ADMIN_PASSWORD = "browser-admin-2026"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def server_env(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("site")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "DATABASE_URL": f"sqlite:///{workdir}/db.sqlite3",
        "VAR_DIR": str(workdir),
        "TASKS_BACKEND": "immediate",
        "ADMIN_PASSWORD": ADMIN_PASSWORD,
        "LOGIN_RATE": "1000/m",
        # One server serves the whole browser session: the forms' per-address limits must not add up across tests.
        "PARTICIPATION_SUBMIT_RATE": "1000/h",
        "PARTICIPATION_FEEDBACK_RATE": "1000/h",
        "PARTICIPATION_STATUS_RATE": "1000/h",
    }
    return env


def manage(env, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=check, capture_output=True, text=True
    )


@pytest.fixture(scope="session")
def site(server_env):
    """Base URL of a running site with the demo data."""
    for args in (["migrate", "--noinput"], ["load_demo"], ["search_rebuild"], ["ensure_admin"], ["collectstatic", "--noinput", "-v", "0"]):
        manage(server_env, *args)
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT, env=server_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/", timeout=5)
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("测试服务器未能启动")
            time.sleep(0.5)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium 未安装（make test 应通过 scripts/system_deps.sh 安装 chromium）")
        pytest.skip("Chromium 未安装")
    from playwright.sync_api import expect, sync_playwright

    # The browser tests run beside the rest of the suite (scripts/run_tests.sh): on a busy machine a
    # publication (PDFs, index, notices) can take longer than expect()'s 5 s default to come back.
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def page(browser, request):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = request.node.nodeid.replace("/", "_").replace("::", "__")
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


RESULT = "RESULT:"


def server_shell(env, code: str) -> Any:
    """Run `code` in the test server's database and return what it prints as `RESULT:<json>`.

    Only the marked line counts: the console mail backend prints the workflow's notices too."""
    out = manage(env, "shell", "--no-imports", "-c", code).stdout
    lines = [line for line in out.splitlines() if line.startswith(RESULT)]
    assert lines, out[-2000:]
    return json.loads(lines[-1][len(RESULT) :])


def login(page, site: str, username: str, password: str, next_url: str = "/admin/") -> None:
    page.goto(f"{site}/admin/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
