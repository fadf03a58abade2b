"""Reads for the supervisors' history of an item: one timeline, and revision comparisons.

The timeline merges Wagtail's audit log of the page (drafts, submissions, workflow
actions, publications, scheduling, revocations, imports) with the opinions kept on the
workflow's task states and what other apps provide (providers.TIMELINE: the archive's records).
The comparison shows a revision beside the live version field by field, with Chinese
labels, and the standard tables as tables (rows as rows), never StreamField JSON.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone
from wagtail import blocks
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import PageLogEntry, Revision, TaskState

from . import providers
from .models import CatalogNodePage, DisclosureItemPage
from .sanitising import html_text

# --- timeline -------------------------------------------------------------------------------


@dataclass
class TimelineEntry:
    when: datetime.datetime
    label: str
    actor: str = ""
    rows: list[tuple[str, str]] = field(default_factory=list)
    revision_id: int | None = None
    kind: str = "log"  # log / workflow / archive / revoke / publish


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _task_state_rows(task_state_id) -> list[tuple[str, str]]:
    if not task_state_id:
        return []
    state = TaskState.objects.filter(pk=task_state_id).first()
    if state is None:
        return []
    state = state.specific
    rows = getattr(state, "opinion_rows", None)
    if rows:
        return list(rows)
    return [("意见", state.comment)] if state.comment else []


KIND_OF_ACTION = {
    "wagtail.publish": "publish",
    "wagtail.publish.scheduled": "publish",
    "wagtail.publish.schedule": "publish",
    "wagtail.unpublish": "revoke",
    "disclosure_pages.revoke": "revoke",
    "disclosure_pages.withdraw": "revoke",
    "disclosure_pages.correct": "revoke",
    "wagtail.workflow.start": "workflow",
    "wagtail.workflow.approve": "workflow",
    "wagtail.workflow.reject": "workflow",
    "wagtail.workflow.resume": "workflow",
    "wagtail.workflow.cancel": "workflow",
    "disclosure_pages.workflow_skip": "workflow",
}


def _log_rows(entry: PageLogEntry) -> list[tuple[str, str]]:
    data = entry.data or {}
    workflow = data.get("workflow") or {}
    rows: list[tuple[str, str]] = []
    if workflow.get("task"):
        rows.append(("环节", workflow["task"].get("title", "")))
    elif data.get("task"):
        rows.append(("环节", data["task"].get("title", "")))
    if entry.action in ("wagtail.workflow.approve", "wagtail.workflow.reject"):
        rows += _task_state_rows(workflow.get("task_state_id")) or (
            [("意见", data["comment"])] if data.get("comment") else []
        )
    elif entry.action == "disclosure_pages.workflow_skip":
        rows.append(("说明", data.get("comment", "")))
    elif entry.action == "disclosure_pages.revoke":
        rows.append(("撤消理由", data.get("reason", "")))
        if data.get("public_reason") and data["public_reason"] != data.get("reason"):
            rows.append(("公开说明", data["public_reason"]))
    elif entry.action in ("disclosure_pages.withdraw", "disclosure_pages.correct"):
        rows.append(("说明", data.get("reason", "")))
    elif entry.action == "wagtail.publish.schedule":
        go_live = (data.get("revision") or {}).get("go_live_at")
        if go_live:
            when = timezone.localtime(datetime.datetime.fromisoformat(go_live))
            rows.append(("定时发布时间", f"{when:%Y-%m-%d %H:%M}"))
    elif entry.action == "wagtail.workflow.start" and workflow.get("next"):
        rows.append(("提交至", workflow["next"].get("title", "")))
    elif entry.action == "disclosure_pages.import" and data.get("published_at"):
        rows.append(("原发布时间", data["published_at"][:10]))
    return rows


def item_timeline(item: DisclosureItemPage) -> list[TimelineEntry]:
    """Everything that happened to the item, oldest first."""
    entries: list[TimelineEntry] = []
    logs = PageLogEntry.objects.filter(page=item).select_related("user").order_by("timestamp", "pk")
    for entry in logs:
        if entry.action.startswith("wagtail.comments") or entry.action == "wagtail.lock" or entry.action == "wagtail.unlock":
            continue
        label = str(log_action_registry.get_action_label(entry.action)) if log_action_registry.action_exists(entry.action) else entry.action
        entries.append(
            TimelineEntry(
                when=entry.timestamp,
                label=label,
                actor=_person(entry.user),
                rows=_log_rows(entry),
                revision_id=entry.revision_id,
                kind=KIND_OF_ACTION.get(entry.action, "log"),
            )
        )
    for more in providers.ask_all(providers.TIMELINE, item):
        entries.extend(more)
    entries.sort(key=lambda e: e.when)
    return entries


def item_revisions(item: DisclosureItemPage) -> list[Revision]:
    revisions = list(item.revisions.select_related("user").order_by("-created_at", "-pk"))
    for revision in revisions:
        revision.is_live = revision.pk == item.live_revision_id
        revision.author = _person(revision.user)
    return revisions


# --- comparison -----------------------------------------------------------------------------


@dataclass
class CompareRow:
    label: str
    left: str
    right: str

    @property
    def changed(self) -> bool:
        return self.left != self.right


@dataclass
class CompareTable:
    """One standard table on both sides: header fields as rows, list rows as table rows."""

    label: str
    rows: list[CompareRow]
    headers: list[str]
    left_rows: list[tuple[list[str], bool]]  # (cells, only on this side)
    right_rows: list[tuple[list[str], bool]]


@dataclass
class Comparison:
    left_title: str
    right_title: str
    sections: list[tuple[str, list[CompareRow]]]
    tables: list[CompareTable]

    @property
    def changed_count(self) -> int:
        rows = sum(row.changed for _, section in self.sections for row in section)
        tables = sum(
            any(row.changed for row in table.rows) or any(only for _, only in table.left_rows + table.right_rows)
            for table in self.tables
        )
        return rows + tables


def _display(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)


def _field(obj, name: str) -> str:
    model_field = obj._meta.get_field(name)
    if model_field.choices:
        return _display(getattr(obj, f"get_{name}_display")()) if getattr(obj, name) not in (None, "") else ""
    return _display(getattr(obj, name))


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _item_rows(obj: DisclosureItemPage | None) -> dict[str, str]:
    if obj is None:
        return {}
    interpretation = obj.policy_interpretation.title if obj.policy_interpretation_id and obj.policy_interpretation else ""
    return {
        "标题": obj.title,
        "公开周期": obj.period_label,
        _label(DisclosureItemPage, "is_zero_report"): _field(obj, "is_zero_report"),
        _label(DisclosureItemPage, "doc_number"): obj.doc_number,
        _label(DisclosureItemPage, "scope"): _field(obj, "scope"),
        _label(DisclosureItemPage, "policy_interpretation"): interpretation,
        "定时发布时间": _display(obj.go_live_at),
        _label(DisclosureItemPage, "body"): html_text(obj.body).strip(),
    }


def _approval_rows(obj: DisclosureItemPage | None) -> dict[str, str]:
    if obj is None:
        return {}
    return {_label(DisclosureItemPage, name): _field(obj, name) for name in ("disclosure_time", "requirement", "method", "platforms")}


def _node_as_of(revision: Revision | None, fallback: CatalogNodePage | None) -> CatalogNodePage | None:
    """The catalogue node the item sat under at the revision, as the node stood then."""
    node = fallback
    path = (revision.content or {}).get("path") if revision is not None else None
    if path:
        node = CatalogNodePage.objects.filter(path=path[: -DisclosureItemPage.steplen]).first() or fallback
    if node is not None and revision is not None:
        node_revision = node.revisions.filter(created_at__lte=revision.created_at).order_by("-created_at", "-pk").first()
        if node_revision is not None:
            node = node_revision.as_object()
    return node


def _catalogue_rows(node: CatalogNodePage | None) -> dict[str, str]:
    if node is None:
        return {}
    return {
        _label(CatalogNodePage, "code"): node.code,
        "目录": " / ".join(node.level_names),
        _label(CatalogNodePage, "content"): node.content,
        _label(CatalogNodePage, "scope_text"): node.scope_text,
        _label(CatalogNodePage, "scope"): _field(node, "scope"),
        _label(CatalogNodePage, "time_limit"): node.time_limit,
        _label(CatalogNodePage, "responsible_unit"): node.responsible_unit,
        _label(CatalogNodePage, "requires_leader_approval"): _field(node, "requires_leader_approval"),
    }


def _attachment_rows(obj: DisclosureItemPage | None) -> dict[str, str]:
    if obj is None:
        return {}
    rows = {}
    for n, attachment in enumerate(obj.attachments.all(), start=1):
        title = attachment.document.title if attachment.document_id else ""
        parts = [title, attachment.doc_number, attachment.get_attribute_display(), attachment.reason]
        rows[f"附件{n}"] = "，".join(part for part in parts if part)
    return rows


def _merge(left: dict[str, str], right: dict[str, str]) -> list[CompareRow]:
    labels = list(left) + [label for label in right if label not in left]
    return [CompareRow(label, left.get(label, ""), right.get(label, "")) for label in labels]


def _block_display(block, value) -> str:
    if isinstance(block, blocks.ChoiceBlock):
        choices = dict(block.field.choices)
        return str(choices.get(value, value or ""))
    return _display(value)


def _table_parts(child) -> tuple[str, dict[str, str], list[str], list[list[str]]]:
    """(label, header fields, column labels, rows) of one table block."""
    block = child.block
    header: dict[str, str] = {}
    columns: list[str] = []
    rows: list[list[str]] = []
    footer = ("leader", "tabulator", "supervision")  # the signature line goes last, as on the form
    names = [name for name in block.child_blocks if name not in footer] + [n for n in footer if n in block.child_blocks]
    for name in names:
        sub = block.child_blocks[name]
        value = child.value.get(name)
        if isinstance(sub, blocks.ListBlock):
            row_block = sub.child_block
            columns = [str(b.label) for b in row_block.child_blocks.values()]
            for row in value or []:
                rows.append([_block_display(b, row.get(n)) for n, b in row_block.child_blocks.items()])
        else:
            header[str(sub.label)] = _block_display(sub, value)
    return str(block.label), header, columns, rows


def _tables(obj: DisclosureItemPage | None) -> list[tuple[str, dict[str, str], list[str], list[list[str]]]]:
    return [_table_parts(child) for child in obj.tables] if obj is not None else []


def _compare_tables(left: DisclosureItemPage | None, right: DisclosureItemPage | None) -> list[CompareTable]:
    left_tables, right_tables = _tables(left), _tables(right)
    result = []
    for n in range(max(len(left_tables), len(right_tables))):
        lt = left_tables[n] if n < len(left_tables) else ("", {}, [], [])
        rt = right_tables[n] if n < len(right_tables) else ("", {}, [], [])
        left_set = {tuple(row) for row in lt[3]}
        right_set = {tuple(row) for row in rt[3]}
        result.append(
            CompareTable(
                label=lt[0] or rt[0],
                rows=_merge(lt[1], rt[1]),
                headers=lt[2] or rt[2],
                left_rows=[(row, tuple(row) not in right_set) for row in lt[3]],
                right_rows=[(row, tuple(row) not in left_set) for row in rt[3]],
            )
        )
    return result


def reference_revision(item: DisclosureItemPage) -> tuple[Revision | None, str]:
    """The version a revision is compared with: the live one, else the last published one."""
    if item.live and item.live_revision_id:
        return item.live_revision, "当前发布版本"
    last = (
        PageLogEntry.objects.filter(page=item, action="wagtail.publish", revision__isnull=False)
        .order_by("-timestamp", "-pk")
        .first()
    )
    if last is not None:
        return last.revision, "最后发布版本（现已撤消或下线）"
    return None, "（尚未发布）"


def compare_revision(item: DisclosureItemPage, revision: Revision) -> Comparison:
    reference, reference_label = reference_revision(item)
    left = revision.as_object()
    right = reference.as_object() if reference is not None else None
    node = item.catalog_node
    sections = [
        ("公开事项", _merge(_item_rows(left), _item_rows(right))),
        ("审批表（录入人填写部分）", _merge(_approval_rows(left), _approval_rows(right))),
        ("公开目录", _merge(_catalogue_rows(_node_as_of(revision, node)), _catalogue_rows(_node_as_of(reference, node) if reference else None))),
        ("附件", _merge(_attachment_rows(left), _attachment_rows(right))),
    ]
    author = _person(revision.user)
    left_title = f"版本 {revision.pk}（{_display(revision.created_at)}{'，' + author if author else ''}）"
    right_title = reference_label + (f"：版本 {reference.pk}（{_display(reference.created_at)}）" if reference else "")
    return Comparison(left_title=left_title, right_title=right_title, sections=sections, tables=_compare_tables(left, right))


def compare_url(item: DisclosureItemPage, revision_id: int) -> str:
    return reverse("disclosure_item_compare", args=[item.pk, revision_id])
