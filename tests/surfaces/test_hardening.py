"""Production settings, CSP, login throttling, upload checks, no admin in public navigation."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_production_settings_pass_check_deploy():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": "x" * 30 + "-not-a-real-production-secret-0123456789",
        "ALLOWED_HOSTS": "dangwu.example.org",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        # Production files nothing without the archive's signing key (archive.E002): a throwaway one.
        "ARCHIVE_SIGNING_KEY": "bm90LWEtcmVhbC1rZXktMDEyMzQ1Njc4OWFiY2RlZiE=",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DJANGO_SETTINGS_MODULE"] = "cms.settings.production"
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_public_pages_send_a_strict_csp(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert client.get("/").headers["X-Frame-Options"] == "DENY"


def test_public_navigation_has_no_admin_link(client):
    html = client.get("/").content.decode()
    assert "/admin/" not in html


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_login_is_throttled_per_address(client, url):
    cache.clear()
    get_user_model().objects.create_user("throttle", password="right-password")
    statuses = [client.post(url, {"username": "throttle", "password": f"wrong{n}"}, REMOTE_ADDR="10.9.8.7").status_code for n in range(11)]
    assert 429 not in statuses[:10]
    assert statuses[10] == 429
    assert "操作过于频繁" in client.post(url, {"username": "throttle", "password": "x"}, REMOTE_ADDR="10.9.8.7").content.decode()
    # another address is not affected
    assert client.post(url, {"username": "throttle", "password": "wrong"}, REMOTE_ADDR="10.9.8.8").status_code != 429
    cache.clear()


def test_document_upload_checks_the_bytes(admin_client):
    fake = SimpleUploadedFile("通知.pdf", b"MZ\x90\x00 this is not a pdf", content_type="application/pdf")
    response = admin_client.post("/admin/documents/add/", {"title": "假PDF", "file": fake, "collection": 1})
    assert response.status_code == 200
    assert "文件内容与扩展名 .pdf 不符" in response.content.decode()
    real = SimpleUploadedFile("通知.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    response = admin_client.post("/admin/documents/add/", {"title": "真PDF", "file": real, "collection": 1})
    assert response.status_code == 302


def test_document_upload_refuses_other_types(admin_client):
    exe = SimpleUploadedFile("tool.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = admin_client.post("/admin/documents/add/", {"title": "程序", "file": exe, "collection": 1})
    assert response.status_code == 200 and "exe" in response.content.decode()
