"""Admin explorer response time with 1,000 units: memberships vs. one Wagtail group per unit.

    .venv/bin/python bench/explorer.py                 # 1,000 units, throwaway SQLite in /tmp
    .venv/bin/python bench/explorer.py --units 200
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_explorer .venv/bin/python bench/explorer.py

Builds a province (1 province → 20 cities → 50 units each by default) with each unit's
catalogue (the 韶关 standard catalogue: 7 nodes) and one published item per unit, in a
throwaway database (SQLite file under /tmp, or the PostgreSQL database named in
DATABASE_URL, which is dropped and re-created). Then, in-process with Django's test
client, it times the admin explorer:

- a unit editor (a UnitMembership): /admin/pages/ (redirects to their unit),
  /admin/pages/<unit id>/, and the listing of a 三级 node;
- a province supervisor (a SupervisorReach on the province): /admin/pages/<province id>/,
  /admin/pages/<city id>/ (50 units);
- for comparison, the same supervisor modelled the per-unit-group way (wagtail#14593):
  one Wagtail group per unit with its page permissions, the user in all of them.

Prints median / p95 over --repeat requests and the number of SQL queries per request.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQLITE_PATH = Path("/tmp/bench_explorer.sqlite3")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def prepare_database(url: str | None, sqlite_path: Path = SQLITE_PATH) -> str:
    if url and url.startswith("postgres"):
        name = url.rsplit("/", 1)[1]
        base = url.rsplit("/", 1)[0] + "/postgres"
        for sql in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
            subprocess.run(["psql", base, "-q", "-c", sql], check=True)
        return url
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{sqlite_path}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--per-city", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="measure again on the database the last run built")
    parser.add_argument("--sqlite", type=Path, default=SQLITE_PATH, help="the throwaway SQLite file (without DATABASE_URL)")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = (url or f"sqlite:///{args.sqlite}") if args.reuse else prepare_database(url, args.sqlite)
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.test"
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    from django.core.management import call_command

    if args.reuse:
        tree = load_tree()
    else:
        started = time.monotonic()
        call_command("migrate", "--noinput", verbosity=0)
        print(f"migrate: {time.monotonic() - started:.1f} s  ({settings.DATABASES['default']['ENGINE']})", flush=True)
        tree = build_tree(args.units, args.per_city)
    measure(tree, args.repeat)


def build_tree(n_units: int, per_city: int) -> dict:
    import datetime
    from zoneinfo import ZoneInfo

    from django.contrib.auth import get_user_model
    from django.db import transaction
    from wagtail.signal_handlers import disable_reference_index_auto_update

    from disclosure_pages.demo import catalog_data, ensure_home
    from disclosure_pages.models import SupervisorReach, UnitMembership
    from disclosure_pages.selectors import catalog_nodes_by_code
    from disclosure_pages.services import (
        catalog_install,
        item_create_published,
        region_get_or_create,
        roles_sync,
        unit_get_or_create,
    )
    from review.services import workflow_install

    catalog = catalog_data("shaoguan_standard")
    published = datetime.datetime(2026, 3, 1, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    started = time.monotonic()
    units = []
    with transaction.atomic(), disable_reference_index_auto_update():
        home = ensure_home()
        province, _ = region_get_or_create(parent=home, name="测试省", kind="省")
        n_cities = -(-n_units // per_city)
        for c in range(n_cities):
            city, _ = region_get_or_create(parent=province, name=f"第{c + 1}市", kind="市")
            for u in range(min(per_city, n_units - c * per_city)):
                unit, _ = unit_get_or_create(region=city, name=f"单位{c + 1}-{u + 1}")
                catalog_install(unit=unit, catalog=catalog)
                node = catalog_nodes_by_code(unit)["1-1-1"]
                item_create_published(node=node, title=f"{unit.title}班子成员情况", published_at=published, scope="public")
                units.append(unit)
            print(f"  {len(units)} units …", end="\r", flush=True)
        workflow_install()
        User = get_user_model()
        editor = User.objects.create_user("bench_editor", password="x")
        supervisor = User.objects.create_user("bench_supervisor", password="x")
        group_supervisor = User.objects.create_user("bench_group_supervisor", password="x")
        target = units[len(units) // 2]
        UnitMembership.objects.create(user=editor, unit=target, role="editor")
        SupervisorReach.objects.create(user=supervisor, root=province)
        roles_sync()
        per_unit_groups(group_supervisor, units)
    print(f"built {len(units)} units, {province.get_descendant_count()} pages under the province: "
          f"{time.monotonic() - started:.0f} s", flush=True)
    return load_tree()


def load_tree() -> dict:
    from django.contrib.auth import get_user_model

    from disclosure_pages.models import RegionPage, UnitMembership, UnitPage
    from disclosure_pages.selectors import catalog_nodes_by_code

    User = get_user_model()
    editor = User.objects.get(username="bench_editor")
    target = UnitMembership.objects.get(user=editor).unit
    city = target.get_parent().specific
    return {
        "editor": editor,
        "supervisor": User.objects.get(username="bench_supervisor"),
        "group_supervisor": User.objects.get(username="bench_group_supervisor"),
        "unit": target,
        "node3": catalog_nodes_by_code(target)["1-1-1"],
        "city": city,
        "province": RegionPage.objects.get(title="测试省"),
        "n_groups": UnitPage.objects.count(),
        "per_city": UnitPage.objects.child_of(city).count(),
    }


def per_unit_groups(user, units) -> None:
    """The design this project avoids: a Wagtail group per unit, with add/change/publish there."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission

    from disclosure_pages.permissions import UNIT_USERS_GROUP

    perms = list(Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=["add_page", "change_page", "publish_page"]))
    rows = []
    for unit in units:
        group = Group.objects.create(name=f"{unit.get_parent().title}{unit.title}")
        user.groups.add(group)
        rows += [GroupPagePermission(group=group, page=unit, permission=perm) for perm in perms]
    GroupPagePermission.objects.bulk_create(rows)
    user.groups.add(Group.objects.get(name=UNIT_USERS_GROUP))


def measure(tree: dict, repeat: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    def explore(page=None) -> str:
        return reverse("wagtailadmin_explore", args=[page.pk]) if page is not None else reverse("wagtailadmin_explore_root")

    groups = f"supervisor ({tree['n_groups']:,} groups)"
    city = f"/admin/pages/<city> ({tree['per_city']} units)/"
    cases = [
        ("unit editor", tree["editor"], "/admin/pages/ (→ own unit)", explore(), True),
        ("unit editor", tree["editor"], "/admin/pages/<unit>/", explore(tree["unit"]), False),
        ("unit editor", tree["editor"], "/admin/pages/<三级 node>/", explore(tree["node3"]), False),
        ("unit editor", tree["editor"], "/admin/pages/<province>/ (→ own unit)", explore(tree["province"]), True),
        ("supervisor (reach)", tree["supervisor"], "/admin/pages/<province>/", explore(tree["province"]), False),
        ("supervisor (reach)", tree["supervisor"], city, explore(tree["city"]), False),
        (groups, tree["group_supervisor"], "/admin/pages/<province>/", explore(tree["province"]), False),
        (groups, tree["group_supervisor"], city, explore(tree["city"]), False),
    ]
    print(f"\n{'who':<26} {'request':<40} {'median':>8} {'p95':>8} {'queries':>8}  status")
    for who, user, label, url, follow in cases:
        client = Client(raise_request_exception=True)
        client.force_login(user)
        timings = []
        try:
            with CaptureQueriesContext(connection) as queries:  # the first (cold) request
                started = time.perf_counter()
                response = client.get(url, follow=follow)
                first = (time.perf_counter() - started) * 1000
            # Slow cases get fewer repeats: the point is the order of magnitude.
            for _ in range(repeat if first < 2000 else 2):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url, follow=follow)
                    timings.append((time.perf_counter() - started) * 1000)
        except Exception as error:  # noqa: BLE001 - report and go on with the next case
            print(f"{who:<26} {label:<40} failed: {type(error).__name__}: {str(error)[:80]}", flush=True)
            continue
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        print(
            f"{who:<26} {label:<40} {statistics.median(timings):>6.0f}ms {p95:>6.0f}ms {len(queries):>8}  {response.status_code}",
            flush=True,
        )


if __name__ == "__main__":
    main()
