"""Time the compliance computation and its views on the demo data (102 units, 944 nodes, 726 items).

    DATABASE_URL=sqlite:////tmp/deadlines_demo.sqlite3 .venv/bin/python bench/deadlines_compliance.py [SCALE]

Needs a migrated database with `load_demo` run. Everything it writes (admin access for the
supervisor, and with SCALE > 1 copies of the demo items) happens inside one transaction that
is rolled back at the end. SCALE (default 1) multiplies the published items per node to see
how the computation grows with the number of items.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group, Permission  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from deadlines.calendar import WorkCalendar  # noqa: E402
from deadlines.reminders import reminders_due  # noqa: E402
from deadlines.selectors import compliance_rows, find_scope  # noqa: E402
from disclosure_pages.models import DisclosureItemPage, UnitPage  # noqa: E402

SCALE = int(sys.argv[1]) if len(sys.argv) > 1 else 1
YEAR = 2026


def timed(label, fn, repeat=5):
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    print(f"{label:<48} median {statistics.median(times) * 1000:8.1f} ms   (min {min(times) * 1000:.1f}, n={repeat})")
    return result


class Rollback(Exception):
    pass


def scale_items():
    """Add SCALE-1 more live items per existing item (same period, published a day later)."""
    from disclosure_pages.services import item_create_published

    originals = list(DisclosureItemPage.objects.live().specific())
    for copy in range(SCALE - 1):
        for item in originals:
            node = item.get_parent().specific
            period = {"event_date": item.event_date} if item.event_date else {"year": item.year}
            item_create_published(node=node, title=f"{item.title}（{copy}）", published_at=item.first_published_at, period=period)


def main():
    units = UnitPage.objects.count()
    items = DisclosureItemPage.objects.live().count()
    print(f"demo: {units} units, {items} live items, scale {SCALE}")
    with CaptureQueriesContext(connection) as queries:
        rows = compliance_rows(year=YEAR)
    print(f"compliance_rows(all, {YEAR}): {len(rows)} rows in {len(queries)} queries")
    cal = WorkCalendar.from_db()
    timed("compliance_rows all units (superuser)", lambda: compliance_rows(year=YEAR, calendar=cal))
    shaoguan = find_scope("韶关市")
    timed("compliance_rows 韶关市 (99 units)", lambda: compliance_rows(roots=[shaoguan], year=YEAR, calendar=cal))
    timed("reminders_due(days=5)", lambda: reminders_due(today=__import__("datetime").date(2026, 11, 30), days=5), 3)

    user = get_user_model().objects.get(username="sg_supervisor")
    group, _ = Group.objects.get_or_create(name="bench-admin-access")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(group)
    client = Client()
    client.force_login(user)
    url = "/admin/deadlines/compliance/?year=2026"
    assert client.get(url).status_code == 200
    timed("GET compliance view, page 1 (sg_supervisor)", lambda: client.get(url))
    timed("GET compliance view, state=missing page 10", lambda: client.get(url + "&state=missing&p=10"))
    timed("GET CSV export, 韶关市 (1,683 rows)", lambda: client.get("/admin/deadlines/compliance/export/csv/?year=2026"), 3)
    pdf = timed("GET PDF export, 韶关市 (1,683 rows)", lambda: client.get("/admin/deadlines/compliance/export/pdf/?year=2026"), 1)
    Path("/tmp/compliance-bench.pdf").write_bytes(pdf.content)
    print(f"  PDF size {len(pdf.content) / 1024:.0f} KiB → /tmp/compliance-bench.pdf")
    one = UnitPage.objects.get(title="区委办", path__startswith=find_scope("韶关市/武江区").path)
    wj = find_scope("韶关市/武江区/区委办")
    timed("GET PDF export, one unit (17 rows)", lambda: client.get(f"/admin/deadlines/compliance/export/pdf/?year=2026&scope={wj.pk}"), 3)
    public = Client()
    timed("GET unit page with 公开时效 (anonymous)", lambda: public.get(one.url))


if __name__ == "__main__":
    try:
        with transaction.atomic():
            if SCALE > 1:
                started = time.perf_counter()
                scale_items()
                print(f"added items in {time.perf_counter() - started:.1f} s")
            main()
            raise Rollback
    except Rollback:
        print("(rolled back)")
