"""How long the admin's 依申请公开 listing takes with many open requests (run by hand).

    VAR_DIR=/tmp/bench_var .venv/bin/python manage.py shell < bench/participation_listing.py

Needs a database with the demo loaded (manage.py load_demo). Creates N requests
spread over the demo's 韶关市 units inside a transaction that is rolled back, then
times the deadline computation and the listing page for a 韶关市 supervisor.
"""

import datetime
import random
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.test import Client
from django.utils import timezone

from disclosure_pages.models import UnitPage
from participation.choices import PauseKind
from participation.selectors import handled_requests, request_deadlines
from participation.services import request_accept, request_pause, request_resume, request_submit, request_verify

N = 1000


class Rollback(Exception):
    pass


try:
    with transaction.atomic():
        rng = random.Random(7)
        units = list(UnitPage.objects.filter(path__startswith=UnitPage.objects.first().path[:8]))
        supervisor = get_user_model().objects.get(username="sg_supervisor")
        supervisor.user_permissions.add(Permission.objects.get(codename="access_admin"))
        now = timezone.now()
        started = time.perf_counter()
        for i in range(N):
            submitted = now - datetime.timedelta(days=rng.randint(0, 40), hours=rng.randint(0, 23))
            req = request_submit(
                unit=rng.choice(units),
                applicant_name=f"申请人{i}",
                contact_phone="13800000000",
                request_text="请公开党费收缴情况。" * 5,
                purpose="了解",
                at=submitted,
            ).request
            if rng.random() < 0.6:
                request_accept(request=req, actor=None, at=submitted + datetime.timedelta(days=1))
                if rng.random() < 0.3:
                    request_pause(
                        request=req,
                        actor=None,
                        kind=PauseKind.THIRD_PARTY,
                        reason="征求意见",
                        at=submitted + datetime.timedelta(days=2),
                    )
                    request_resume(request=req, actor=None, at=submitted + datetime.timedelta(days=5))
        print(f"created {N} requests in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        rows = [request_deadlines(r) for r in handled_requests(supervisor)]
        print(f"deadlines for {len(rows)} requests (query + compute): {time.perf_counter() - started:.2f} s")

        sample = request_submit(unit=units[0], applicant_name="计时", contact_phone="13800000000", request_text="x")
        for label, number, code in [
            ("right code", sample.request.tracking_number, sample.secret_code),
            ("wrong code", sample.request.tracking_number, "AAAA-BBBB-CCCC"),
            ("unknown number", "YSQ-2026-999999", sample.secret_code),
        ]:
            started = time.perf_counter()
            for _ in range(200):
                request_verify(tracking_number=number, code=code)
            print(f"status check, {label}: {(time.perf_counter() - started) / 200 * 1000:.2f} ms")

        client = Client()
        client.force_login(supervisor)
        for url in ["/admin/participation/requests/", "/admin/participation/requests/?due=overdue"]:
            started = time.perf_counter()
            response = client.get(url, HTTP_HOST="127.0.0.1")
            print(f"GET {url}: {response.status_code} in {time.perf_counter() - started:.2f} s")
        raise Rollback
except Rollback:
    print("rolled back")
