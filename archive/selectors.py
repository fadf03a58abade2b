"""Reads of the archive (归档) and approval forms (审批表)."""

from __future__ import annotations

from django.db.models import QuerySet

from disclosure_pages.models import DisclosureItemPage, UnitPage

from .choices import FormState
from .models import ApprovalForm, ArchiveRecord, RecordRendering, SignedHead


def records_for_item(item: DisclosureItemPage | int) -> QuerySet[ArchiveRecord]:
    """Every archive record of an item, oldest first (kept even after the item is deleted)."""
    pk = item if isinstance(item, int) else item.pk
    return ArchiveRecord.objects.filter(item_ref=pk).order_by("chain_index")


def records_for_unit_year(unit: UnitPage, year: int) -> QuerySet[ArchiveRecord]:
    """A unit's records of one year in 件号 order: the contents of an archive volume."""
    return ArchiveRecord.objects.filter(unit=unit, year=year).order_by("sequence")


def open_approval_form(item: DisclosureItemPage) -> ApprovalForm | None:
    return ApprovalForm.objects.filter(item_id=item.pk, state=FormState.OPEN).first()


def approval_forms_for_item(item: DisclosureItemPage) -> QuerySet[ApprovalForm]:
    return ApprovalForm.objects.filter(item_id=item.pk).order_by("-created_at", "-pk")


def archive_years(unit: UnitPage | None = None) -> list[int]:
    records = ArchiveRecord.objects.all() if unit is None else ArchiveRecord.objects.filter(unit=unit)
    return sorted(set(records.values_list("year", flat=True)), reverse=True)


def can_view_approval_form(user, form: ApprovalForm) -> bool:
    """Archivists, whoever may edit the item, its unit's editors/reviewers/leaders, and supervisors above it."""
    from disclosure_pages.choices import Role
    from disclosure_pages.models import SupervisorReach, UnitMembership

    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.has_perm("archive.view_archiverecord"):
        return True
    item = form.item
    unit = item.unit
    roles = {Role.EDITOR, Role.REVIEWER, Role.LEADER}
    if unit is not None and UnitMembership.objects.filter(user=user, unit=unit, role__in=roles).exists():
        return True
    for root_path in SupervisorReach.objects.filter(user=user).values_list("root__path", flat=True):
        if item.path.startswith(root_path):
            return True
    return item.permissions_for_user(user).can_edit()


def can_view_record(user, record: ArchiveRecord) -> bool:
    """Archivists, and supervisors whose reach covers the record's unit (for the item's history)."""
    from disclosure_pages.models import SupervisorReach

    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.has_perm("archive.view_archiverecord"):
        return True
    unit_path = UnitPage.objects.filter(pk=record.unit_id).values_list("path", flat=True).first() or ""
    return any(
        unit_path.startswith(root)
        for root in SupervisorReach.objects.filter(user=user).values_list("root__path", flat=True)
    )


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
