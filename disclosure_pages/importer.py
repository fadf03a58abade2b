"""Bring past disclosures in from JSON Lines, all or nothing.

Every line is checked before anything is written; one bad line means nothing is
imported, and every bad line is reported with its number and reason.
"""

from __future__ import annotations

import datetime
import html
import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from .choices import UnknownScope, scope_from_text
from .models import CatalogNodePage, DisclosureItemPage, UnitPage
from .selectors import catalog_nodes_by_code, unit_paths
from .services import children_by_path, items_create_published, items_imported_on_commit
from .signals import items_created_published

SHANGHAI = ZoneInfo("Asia/Shanghai")
KNOWN_KEYS = {"unit", "catalog_code", "title", "body", "published_at", "doc_number", "scope"}
TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
# A line is one flat object of strings; anything nested deeper than this is refused before
# json.loads, whose decoder would otherwise recurse once per level (RecursionError).
MAX_NESTING = 8
JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
# Items written per round of bulk statements (and per progress report).
BATCH = 500
# SQLite's page cache for the import's connection, in KiB (the default is 2 MiB).
IMPORT_CACHE_KIB = 1024 * 1024


@contextmanager
def whole_transaction_in_memory() -> Iterator[None]:
    """On SQLite, a page cache large enough to hold every page the import changes.

    The import is one transaction. With the default 2 MiB cache, the pages it changed no
    longer fit once the tree and its indexes outgrow the cache; SQLite then writes them to
    the WAL before the commit and reads them back at the next insert into the same index,
    a read per evicted page that grows with the tree (100,000 lines: 144 items/s in the first
    tenth, 88/s in the last, with almost 8 minutes of system time). Pages are only allocated
    when used, so a small import costs no more memory than before.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


@dataclass
class ImportLine:
    number: int
    node: CatalogNodePage
    title: str
    body: str
    published_at: datetime.datetime
    doc_number: str
    scope: str


@dataclass
class ImportReport:
    lines: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    valid: list[ImportLine] = field(default_factory=list)
    created_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def body_html(text: str) -> str:
    """Plain text becomes escaped paragraphs; HTML is kept, to pass the allow-list when the item is made."""
    if TAG_RE.search(text):
        return text
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\r\n\s*\r\n", text) if p.strip()]
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)


def nesting_depth(raw: str) -> int:
    """How deeply arrays and objects nest in a JSON text (brackets inside strings do not count)."""
    if raw.count("[") + raw.count("{") <= MAX_NESTING:
        return 1  # cannot be deeper than the limit: skip the scan (the common case)
    depth = deepest = 0
    for char in JSON_STRING.sub("", raw):
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def parse_published_at(value: Any) -> datetime.datetime:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("缺少发布日期 published_at（格式 YYYY-MM-DD）")
    text = value.strip()
    try:
        if len(text) == 10:
            date = datetime.date.fromisoformat(text)
            moment = datetime.datetime.combine(date, datetime.time(9, 0), tzinfo=SHANGHAI)
        else:
            moment = datetime.datetime.fromisoformat(text)
            if timezone.is_naive(moment):
                moment = moment.replace(tzinfo=SHANGHAI)
    except ValueError:
        raise ValueError(f"发布日期“{text}”无效，应为 YYYY-MM-DD，如 2024-01-12") from None
    if moment > timezone.now() + datetime.timedelta(days=1):
        raise ValueError(f"发布日期“{text}”晚于今天，历史导入只能导入已发布的事项")
    if moment.year < 1990:
        raise ValueError(f"发布日期“{text}”过早")
    return moment


class Validator:
    def __init__(self) -> None:
        self.units: dict[str, UnitPage] = unit_paths()
        self._nodes: dict[int, dict[str, CatalogNodePage]] = {}
        self._existing: dict[int, set[tuple[str, datetime.date]]] = {}
        self._seen: dict[tuple[int, str, datetime.date], int] = {}

    def nodes(self, unit: UnitPage) -> dict[str, CatalogNodePage]:
        if unit.pk not in self._nodes:
            self._nodes[unit.pk] = catalog_nodes_by_code(unit)
        return self._nodes[unit.pk]

    def existing(self, node: CatalogNodePage) -> set[tuple[str, datetime.date]]:
        if node.pk not in self._existing:
            items = children_by_path(node.path, node.depth, DisclosureItemPage.objects)
            rows = items.values_list("title", "first_published_at")
            self._existing[node.pk] = {
                (title, timezone.localtime(published).date()) for title, published in rows if published
            }
        return self._existing[node.pk]

    def check(self, number: int, raw: str) -> tuple[ImportLine | None, list[str]]:
        problems: list[str] = []
        if nesting_depth(raw) > MAX_NESTING:
            return None, [f"JSON 嵌套层数过多（超过 {MAX_NESTING} 层）：每行应为一个对象，字段值为字符串"]
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            return None, [f"不是有效的 JSON（第 {exc.colno} 列：{exc.msg}）"]
        if not isinstance(data, dict):
            return None, ["每行应为一个 JSON 对象"]
        unknown = sorted(set(data) - KNOWN_KEYS)
        if unknown:
            problems.append(f"未知字段：{', '.join(unknown)}")
        for key in ("unit", "catalog_code", "title", "body", "doc_number", "scope"):
            if key in data and data[key] is not None and not isinstance(data[key], str):
                problems.append(f"字段 {key} 应为字符串")
        if problems:
            return None, problems

        unit_path = (data.get("unit") or "").strip().strip("/")
        unit = self.units.get(unit_path)
        node = None
        if not unit_path:
            problems.append("缺少单位 unit")
        elif unit is None:
            problems.append(f"未知单位“{unit_path}”")
        code = (data.get("catalog_code") or "").strip()
        if unit is not None:
            if not code:
                problems.append("缺少目录代码 catalog_code")
            else:
                node = self.nodes(unit).get(code)
                if node is None:
                    problems.append(f"单位“{unit_path}”的目录中没有代码“{code}”")
                elif node.level != 3:
                    problems.append(f"目录代码“{code}”是{node.get_level_display()}，事项只能挂在三级目录下")
                    node = None
        title = (data.get("title") or "").strip()
        if not title:
            problems.append("缺少标题 title")
        elif len(title) > 255:
            problems.append(f"标题过长（{len(title)} 字，最多 255 字）")
        try:
            published_at = parse_published_at(data.get("published_at"))
        except ValueError as exc:
            problems.append(str(exc))
            published_at = None
        doc_number = (data.get("doc_number") or "").strip()
        if len(doc_number) > 100:
            problems.append("发文字号过长（最多 100 字）")
        scope_raw = (data.get("scope") or "").strip()
        scope = ""
        if scope_raw:
            try:
                scope = scope_from_text(scope_raw)
            except UnknownScope as exc:
                problems.append(str(exc))
        if node is not None and title and published_at is not None:
            key = (node.pk, title, timezone.localtime(published_at).date())
            if key in self._seen:
                problems.append(f"与第 {self._seen[key]} 行重复（同一目录、标题和发布日期）")
            elif key[1:] in self.existing(node):
                problems.append("该事项已存在（同一目录、标题和发布日期）")
            else:
                self._seen[key] = number
        if problems:
            return None, problems
        return (
            ImportLine(
                number=number,
                node=node,
                title=title,
                body=body_html(data.get("body") or ""),
                published_at=published_at,
                doc_number=doc_number,
                scope=scope or node.scope,
            ),
            [],
        )


def import_disclosures(
    lines: Iterable[str],
    *,
    dry_run: bool = False,
    user=None,
    progress: Callable[[int, int], None] = lambda done, total: None,
    archiving: Callable[[int], None] = lambda total: None,
) -> ImportReport:
    report = ImportReport()
    validator = Validator()
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        report.lines += 1
        line, problems = validator.check(number, raw)
        report.errors.extend((number, problem) for problem in problems)
        if line is not None:
            report.valid.append(line)
    if report.errors or dry_run:
        return report

    total = len(report.valid)
    # One reference-index pass per linking item instead of a queued task per saved row.
    with whole_transaction_in_memory(), transaction.atomic(), disable_reference_index_auto_update():
        slugs: dict[int, set[str]] = {}
        created: list[DisclosureItemPage] = []
        for start in range(0, total, BATCH):
            batch = report.valid[start : start + BATCH]
            items = items_create_published(
                (
                    {
                        "node": line.node,
                        "title": line.title,
                        "body": line.body,
                        "published_at": line.published_at,
                        "doc_number": line.doc_number,
                        "scope": line.scope,
                        "period": {"year": timezone.localtime(line.published_at).year},
                    }
                    for line in batch
                ),
                user=user,
                taken_slugs=slugs,
            )
            for line, item in zip(batch, items, strict=True):
                if "<a " in line.body:
                    ReferenceIndex.create_or_update_for_object(item)
            created.extend(items)
            report.created_ids.extend(item.pk for item in items)
            progress(len(created), total)
        # Filed inside the same transaction: an import that cannot be archived is not kept.
        archiving(total)
        items_created_published.send(sender=DisclosureItemPage, items=sorted(created, key=lambda item: item.path))
        items_imported_on_commit(report.created_ids)
    return report
