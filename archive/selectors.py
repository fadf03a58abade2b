"""Reads of the archive (归档) and approval forms (审批表)."""

from __future__ import annotations

from django.db.models import QuerySet

from disclosure_pages.models import DisclosureItemPage, UnitPage
from review.choices import FormState
from review.models import ApprovalForm
from review.selectors import approval_forms_for_item, open_approval_form  # noqa: F401  (re-exported)

from .choices import ITEM_KINDS
from .models import ArchiveRecord, RecordRendering, SignedHead


def records_for_item(item: DisclosureItemPage | int) -> QuerySet[ArchiveRecord]:
    """Every archive record of an item, oldest first (kept even after the item is deleted)."""
    pk = item if isinstance(item, int) else item.pk
    return ArchiveRecord.objects.filter(item_ref=pk, kind__in=ITEM_KINDS).order_by("chain_index")


def records_for_unit_year(unit: UnitPage, year: int) -> QuerySet[ArchiveRecord]:
    """A unit's records of one year in 件号 order: the contents of an archive volume."""
    return ArchiveRecord.objects.filter(unit=unit, year=year).order_by("sequence")


def archive_years(unit: UnitPage | None = None) -> list[int]:
    records = ArchiveRecord.objects.all() if unit is None else ArchiveRecord.objects.filter(unit=unit)
    return sorted(set(records.values_list("year", flat=True)), reverse=True)


def can_view_approval_form(user, form: ApprovalForm) -> bool:
    """Archivists, its unit's staff (editors, reviewers, leaders) and supervisors above it: the object policy."""
    from disclosure_pages.permissions import can_see

    return can_see(user, form)


def can_view_record(user, record: ArchiveRecord) -> bool:
    """Archivists, and supervisors whose reach covers the record's unit: the object policy."""
    from disclosure_pages.permissions import can_see

    return can_see(user, record)


def latest_signed_heads(unit: UnitPage | int | None = None) -> list[SignedHead]:
    """Each unit's latest signed chain head (one per unit, by unit path), for the public key page and catalogues."""
    heads = SignedHead.objects.all()
    if unit is not None:
        heads = heads.filter(unit_id=unit if isinstance(unit, int) else unit.pk)
    latest: dict[int, SignedHead] = {}
    for head in heads.order_by("unit_id", "sequence"):
        latest[head.unit_id] = head
    return sorted(latest.values(), key=lambda head: head.unit_path)


def renderings_of(records) -> dict[tuple[int, str], RecordRendering]:
    """(record id, kind) → the record's stored PDF rendering."""
    rows = RecordRendering.objects.filter(record__in=list(records))
    return {(row.record_id, row.kind): row for row in rows}


def filed_record_of_form(form: ApprovalForm) -> ArchiveRecord | None:
    """The record that filed a used approval form (its PDF was rendered then), if any."""
    if form.state != FormState.USED:
        return None
    return ArchiveRecord.objects.filter(approval_form_ref=form.pk).order_by("chain_index").first()
