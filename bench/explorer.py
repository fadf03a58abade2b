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
- a city supervisor (a SupervisorReach on one city): /admin/pages/ (→ the city) and a unit of it;
- for comparison, the same supervisor modelled the per-unit-group way (wagtail#14593):
  one Wagtail group per unit with its page permissions, the user in all of them.

Prints median / p95 over --repeat requests, the median CPU time of this process per request
(time.process_time: what the request costs here, whatever the neighbours' load does to the
wall time; on PostgreSQL the server's own work is not in it) and the number of SQL queries per
request. --only CASE[,CASE…] measures only the cases whose "who request" contains one of them; --profile CASE prints a pyinstrument (else cProfile) profile of the cases whose label
contains CASE.
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
    parser.add_argument("--only", metavar="CASE", help="measure only the cases whose 'who request' contains CASE (or one of CASE,CASE…)")
    parser.add_argument("--profile", metavar="CASE", help="profile the cases whose 'who request' contains CASE")
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
    measure(tree, args.repeat, args.profile, args.only)


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
        city_supervisor = User.objects.create_user("bench_city_supervisor", password="x")
        group_supervisor = User.objects.create_user("bench_group_supervisor", password="x")
        target = units[len(units) // 2]
        UnitMembership.objects.create(user=editor, unit=target, role="editor")
        SupervisorReach.objects.create(user=supervisor, root=province)
        SupervisorReach.objects.create(user=city_supervisor, root=target.get_parent())
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
        "city_supervisor": city_supervisor(city),
        "group_supervisor": User.objects.get(username="bench_group_supervisor"),
        "unit": target,
        "node3": catalog_nodes_by_code(target)["1-1-1"],
        "city": city,
        "province": RegionPage.objects.get(title="测试省"),
        "n_groups": UnitPage.objects.count(),
        "per_city": UnitPage.objects.child_of(city).count(),
    }


def city_supervisor(city):
    """The supervisor of the editor's city (made here too when --reuse meets an older database)."""
    from django.contrib.auth import get_user_model

    from disclosure_pages.models import SupervisorReach
    from disclosure_pages.services import roles_sync

    user, created = get_user_model().objects.get_or_create(username="bench_city_supervisor")
    if created:
        SupervisorReach.objects.create(user=user, root=city)
        roles_sync(user_id=user.pk)
    return user


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


def measure(tree: dict, repeat: int, profile: str | None = None, only: str | None = None) -> None:
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
        ("city supervisor (reach)", tree["city_supervisor"], "/admin/pages/ (→ own city)", explore(), True),
        ("city supervisor (reach)", tree["city_supervisor"], city, explore(tree["city"]), False),
        ("city supervisor (reach)", tree["city_supervisor"], "/admin/pages/<unit>/", explore(tree["unit"]), False),
        (groups, tree["group_supervisor"], "/admin/pages/<province>/", explore(tree["province"]), False),
        (groups, tree["group_supervisor"], city, explore(tree["city"]), False),
    ]
    print(f"\n{'who':<26} {'request':<40} {'median':>8} {'p95':>8} {'cpu':>8} {'queries':>8}  status")
    for who, user, label, url, follow in cases:
        if only and not any(part in f"{who} {label}" for part in only.split(",")):
            continue
        client = Client(raise_request_exception=True)
        client.force_login(user)
        timings, cpu = [], []
        try:
            with CaptureQueriesContext(connection) as queries:  # the first (cold) request
                started = time.perf_counter()
                response = client.get(url, follow=follow)
                first = (time.perf_counter() - started) * 1000
            # Slow cases get fewer repeats: the point is the order of magnitude.
            for _ in range(repeat if first < 2000 else 2):
                with CaptureQueriesContext(connection) as queries:
                    started, started_cpu = time.perf_counter(), time.process_time()
                    response = client.get(url, follow=follow)
                    cpu.append((time.process_time() - started_cpu) * 1000)
                    timings.append((time.perf_counter() - started) * 1000)
        except Exception as error:  # noqa: BLE001 - report and go on with the next case
            print(f"{who:<26} {label:<40} failed: {type(error).__name__}: {str(error)[:80]}", flush=True)
            continue
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        print(
            f"{who:<26} {label:<40} {statistics.median(timings):>6.0f}ms {p95:>6.0f}ms {statistics.median(cpu):>6.0f}ms"
            f" {len(queries):>8}  {response.status_code}",
            flush=True,
        )
        if profile and profile in f"{who} {label}":
            profile_request(client, url, follow)


def profile_request(client, url: str, follow: bool) -> None:
    try:
        from pyinstrument import Profiler
    except ImportError:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(client.get, url, follow=follow)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        return
    profiler = Profiler(interval=0.0005)
    with profiler:
        client.get(url, follow=follow)
    print(profiler.output_text(unicode=True, color=False, show_all=False), flush=True)


if __name__ == "__main__":
    main()
