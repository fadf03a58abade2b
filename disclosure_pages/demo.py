"""Demo data from the source documents (disclosure_pages/demo_data/*.json)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from wagtail.models import Page, Site
from wagtail.signal_handlers import disable_reference_index_auto_update

from .choices import Role
from .models import DisclosureItemPage, PortalHomePage, RegionPage, SupervisorReach, UnitMembership, UnitPage
from .selectors import catalog_nodes_by_code, unit_paths
from .services import (
    catalog_install,
    items_create_published,
    items_imported_on_commit,
    region_get_or_create,
    roles_sync,
    scope_value,
    unit_get_or_create,
)
from .signals import demo_loaded, items_created_published

DATA_DIR = Path(__file__).resolve().parent / "demo_data"
SHANGHAI = ZoneInfo("Asia/Shanghai")
DEMO_PASSWORD = "demo-2026"

# Personas for trying the workflow by hand: (username, name, unit path or region path, role).
# Each has an address (the platform mails as well as posting to the admin inbox); the domain is
# the one reserved for examples, so nothing leaves a demo machine for a real mailbox.
PERSONAS = [
    ("wj_editor", "武江区委办 录入人", "韶关市/武江区/区委办", Role.EDITOR),
    ("wj_reviewer", "武江区委办 分管负责人", "韶关市/武江区/区委办", Role.REVIEWER),
    ("wj_leader", "武江区委办 主要负责人", "韶关市/武江区/区委办", Role.LEADER),
    ("wj_member", "武江区委办 党员", "韶关市/武江区/区委办", Role.MEMBER),
    ("lk_member", "龙口市科技局 党员", "龙口市/市科技局党支部", Role.MEMBER),
    ("lk_committee", "龙口市科技局 支部委员", "龙口市/市科技局党支部", Role.COMMITTEE),
]
SUPERVISORS = [("sg_supervisor", "韶关市委组织部", "韶关市"), ("wj_supervisor", "武江区委组织部", "韶关市/武江区")]
# (username, name, group): the archivist files and exports; the group is made by archive's migrations.
ARCHIVISTS = [("sg_archivist", "韶关市 档案管理员", "档案管理员")]
DEMO_MAIL_DOMAIN = "example.org"


def demo_email(username: str) -> str:
    return f"{username.replace('_', '.')}@{DEMO_MAIL_DOMAIN}"


@cache
def load_json(name: str) -> Any:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def catalog_data(key: str) -> dict[str, Any]:
    return load_json(f"catalog_{key}.json")


@dataclass
class DemoReport:
    regions: int = 0
    units: int = 0
    nodes: int = 0
    items: int = 0
    users: int = 0


def ensure_home() -> PortalHomePage:
    home = PortalHomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = PortalHomePage(title="党务公开平台", slug="portal", live=True)
        root.add_child(instance=home)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="党务公开平台"
        )
    elif site.root_page_id != home.pk:
        old_root = site.root_page
        site.root_page = home
        site.site_name = "党务公开平台"
        site.save()
        # Wagtail's placeholder "Welcome" page is not part of the platform.
        if type(old_root.specific) is Page and old_root.slug == "home":
            old_root.delete()
    return home


def _published(date_text: str) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(date_text), datetime.time(9, 30), tzinfo=SHANGHAI)


def load_organisation(home: PortalHomePage, report: DemoReport, progress: Callable[[str], None]) -> None:
    def walk(parent: Page, region_data: dict[str, Any]) -> None:
        region, new = region_get_or_create(parent=parent, name=region_data["name"], kind=region_data.get("kind", "市"))
        report.regions += new
        for unit_data in region_data.get("units", []):
            unit, new = unit_get_or_create(region=region, name=unit_data["name"])
            report.units += new
            report.nodes += catalog_install(unit=unit, catalog=catalog_data(unit_data["catalog"]))
        for child in region_data.get("regions", []):
            walk(region, child)
        progress(f"  {region.title}")

    for region_data in load_json("organisation.json")["regions"]:
        walk(home, region_data)


def _render(template: str, **values: Any) -> str:
    for key, value in values.items():
        template = template.replace("{" + key + "}", str(value))
    return template


def load_items(report: DemoReport, progress: Callable[[str], None]) -> list[int]:
    data = load_json("demo_items.json")
    units = unit_paths()
    pending: list[dict[str, Any]] = []
    planned: set[tuple[int, str]] = set()

    def add(target: UnitPage, nodes: dict, spec: dict[str, Any], **fmt: Any) -> None:
        node = nodes.get(spec["catalog_code"])
        if node is None:
            raise ValueError(f"演示数据引用了不存在的目录代码 {spec['catalog_code']}（{target.title}）")
        title = _render(spec["title"], **fmt)
        if (node.pk, title) in planned or DisclosureItemPage.objects.child_of(node).filter(title=title).exists():
            return
        planned.add((node.pk, title))
        pending.append(
            dict(
                node=node,
                title=title,
                body=_render(spec.get("body", ""), **fmt),
                published_at=_published(spec["published_at"]),
                period=spec.get("period"),
                doc_number=spec.get("doc_number", ""),
                scope=scope_value(spec.get("scope"), node.scope),
                tables=spec.get("tables", []),
                is_zero_report=bool(spec.get("zero_report")),
            )
        )

    templates = data.get("standard_templates", {})
    for path, unit in units.items():
        if not path.startswith("韶关市/"):
            continue
        nodes = catalog_nodes_by_code(unit)
        for code, specs in templates.items():
            for spec in specs if isinstance(specs, list) else [specs]:
                add(unit, nodes, {"catalog_code": code, **spec}, unit=unit.title, region=unit.get_parent().title)
    progress(f"  韶关市各单位标准目录事项：{len(pending)}")
    for spec in data.get("items", []):
        unit = units.get(spec["unit"])
        if unit is None:
            raise ValueError(f"演示数据引用了不存在的单位 {spec['unit']}")
        add(unit, catalog_nodes_by_code(unit), spec, unit=unit.title)
    created = [item.pk for item in items_create_published(pending)]
    report.items = len(created)
    return created


def _persona(report: DemoReport, username: str, name: str, *, is_staff: bool):
    user, new = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": name, "is_staff": is_staff, "email": demo_email(username)}
    )
    if new:
        user.set_password(DEMO_PASSWORD)
        user.save()
        report.users += 1
    elif not user.email:  # accounts made by an earlier version of the demo had none
        user.email = demo_email(username)
        user.save(update_fields=["email"])
    return user


def load_users(report: DemoReport) -> None:
    from django.contrib.auth.models import Group

    units = unit_paths()
    for username, name, unit_path, role in PERSONAS:
        user = _persona(report, username, name, is_staff=role != Role.MEMBER)
        UnitMembership.objects.get_or_create(user=user, unit=units[unit_path], role=role)
    for username, name, region_path in SUPERVISORS:
        user = _persona(report, username, name, is_staff=True)
        root = _region_by_path(region_path)
        SupervisorReach.objects.get_or_create(user=user, root=root)
    for username, name, group in ARCHIVISTS:
        user = _persona(report, username, name, is_staff=True)
        user.groups.add(Group.objects.get(name=group))


def _region_by_path(path: str) -> RegionPage:
    parent: Page = PortalHomePage.objects.get()
    for name in path.split("/"):
        parent = RegionPage.objects.child_of(parent).get(title=name)
    return parent


def load_demo(
    *, with_items: bool = True, with_users: bool = True, progress: Callable[[str], None] = lambda s: None
) -> DemoReport:
    """Load everything; safe to run again (existing pages are matched by slug and title)."""
    report = DemoReport()
    # Demo items carry no links between pages; skip the per-save reference-index tasks.
    with transaction.atomic(), disable_reference_index_auto_update():
        home = ensure_home()
        progress("组织机构与公开目录……")
        load_organisation(home, report, progress)
        if with_items:
            progress("公开事项……")
            ids = load_items(report, progress)
            progress("归档演示事项……")
            items = list(DisclosureItemPage.objects.filter(pk__in=ids).order_by("path"))
            items_created_published.send(sender=DisclosureItemPage, items=items)
            items_imported_on_commit(ids)
        if with_users:
            load_users(report)
        # Other apps add their part (the review app: its workflow on the home page and its
        # personas), inside this transaction; then the shared unit-user group.
        demo_loaded.send(sender=DisclosureItemPage, report=report, with_users=with_users)
        roles_sync()
        if with_items:  # 年度报告: computed from everything above, so last
            from supervision.annual_report import install_demo as annual_report_demo

            annual_report_demo()
    return report
