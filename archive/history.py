"""The archive's part of an item's history (registered as a timeline provider of disclosure_pages)."""

from __future__ import annotations

from disclosure_pages.history import TimelineEntry

from .selectors import records_for_item


def timeline_entries(item) -> list[TimelineEntry]:
    entries = []
    for record in records_for_item(item):
        rows = [("件号", f"{record.unit_path} {record.number}"), ("保管期限", record.get_retention_display())]
        if record.reason:
            rows.append(("撤消理由", record.reason))
        entries.append(
            TimelineEntry(
                when=record.created_at,
                label=f"归档（{record.get_kind_display()}）",
                actor=record.actor_name,
                rows=rows,
                revision_id=record.revision_ref,
                kind="archive",
            )
        )
    return entries
