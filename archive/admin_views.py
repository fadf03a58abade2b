"""Admin views of the archive: a record's PDF, a volume's catalogue and BagIt ZIP, an approval form's PDF.

Views stay thin: permission, form, then archive.pdf / archive.volumes do the work.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import bagit
from django import forms
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.http import content_disposition_header

from disclosure_pages.models import UnitPage

from . import pdf
from .models import ApprovalForm, ArchiveRecord
from .selectors import (
    approval_forms_for_item,
    can_view_approval_form,
    can_view_record,
    filed_record_of_form,
    open_approval_form,
    renderings_of,
)
from .services import render_records, stored_pdf
from .store import archive_store
from .volumes import VolumeError, export_volume, volume_name

ARCHIVE_PERMISSION = "archive.view_archiverecord"


def _require_archivist(user) -> None:
    if not user.has_perm(ARCHIVE_PERMISSION):
        raise PermissionDenied


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def record_pdf_view(request, pk: int):
    record = get_object_or_404(ArchiveRecord, pk=pk)
    if not can_view_record(request.user, record):
        raise PermissionDenied
    unit_name = record.unit_path.replace("/", "-")
    return _pdf_response(_stored(record, "record"), f"{unit_name}-{record.number}.pdf")


def _stored(record: ArchiveRecord, kind: str) -> bytes:
    """The PDF rendered once for the record (archive.services.stored_pdf), never a new layout of it."""
    try:
        return stored_pdf(record, kind)
    except (FileNotFoundError, OSError):
        raise Http404("该记录的归档 PDF 已缺失，请运行 verify_archive 查明。")


def _form_pdf(form: ApprovalForm) -> bytes:
    """A used form as filed (its stored PDF); an open one as it stands now."""
    record = filed_record_of_form(form)
    if record is not None and record.approval_snapshot:
        return _stored(record, "approval_form")
    return pdf.approval_form_pdf(form)


def record_attachment_view(request, pk: int, index: int):
    """An attachment as filed: the archive's own copy (by SHA-256), never the live media file."""
    record = get_object_or_404(ArchiveRecord, pk=pk)
    if not can_view_record(request.user, record):
        raise PermissionDenied
    entries = record.attachments if isinstance(record.attachments, list) else []
    if not 1 <= index <= len(entries) or not isinstance(entries[index - 1], dict):
        raise Http404("没有这个附件。")
    entry = entries[index - 1]
    try:
        handle = archive_store().open(entry.get("sha256") or "")
    except (ValueError, OSError):
        raise Http404("该附件没有归档副本。")
    name = f"{record.number}-{index:02d}-{Path(entry.get('file') or 'attachment').name}"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type="application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    return response


class VolumeForm(forms.Form):
    unit = forms.ModelChoiceField(
        label="单位",
        queryset=UnitPage.objects.none(),
        error_messages={"required": "请选择单位。", "invalid_choice": "该单位没有归档记录。"},
    )
    year = forms.TypedChoiceField(
        label="年度",
        coerce=int,
        choices=(),
        error_messages={"required": "请选择年度。", "invalid_choice": "该年度没有归档记录。"},
    )
    output = forms.ChoiceField(
        label="导出内容",
        choices=[
            ("catalogue", "归档文件目录（PDF）"),
            ("catalogue_csv", "归档文件目录（CSV）"),
            ("bag", "归档包（BagIt ZIP，含目录）"),
        ],
        initial="catalogue",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = ArchiveRecord.objects.values_list("unit_id", flat=True).distinct()
        self.fields["unit"].queryset = UnitPage.objects.filter(pk__in=units).order_by("path")
        self.fields["unit"].label_from_instance = lambda unit: unit.unit_path
        years = sorted(set(ArchiveRecord.objects.values_list("year", flat=True)), reverse=True)
        self.fields["year"].choices = [(year, f"{year}年") for year in years]

    def clean(self):
        data = super().clean()
        unit, year = data.get("unit"), data.get("year")
        if unit and year and not ArchiveRecord.objects.filter(unit=unit, year=year).exists():
            raise forms.ValidationError(f"“{unit.unit_path}”{year}年度没有归档记录。")
        return data


def volume_view(request):
    """GET: choose a unit and year (prefilled from the listing's filters); POST: download."""
    _require_archivist(request.user)
    if request.method == "POST":
        form = VolumeForm(request.POST)
        if form.is_valid():
            unit, year = form.cleaned_data["unit"], form.cleaned_data["year"]
            if form.cleaned_data["output"] in ("catalogue", "catalogue_csv"):
                records = list(ArchiveRecord.objects.filter(unit=unit, year=year).order_by("sequence"))
                render_records(records)  # only those never rendered
                stored = renderings_of(records)
                pages = {r.pk: stored[(r.pk, "record")].pages for r in records if (r.pk, "record") in stored}
                if form.cleaned_data["output"] == "catalogue_csv":
                    response = HttpResponse(
                        pdf.catalogue_csv(pdf.catalogue_rows(records, pages)), content_type="text/csv; charset=utf-8"
                    )
                    response["Content-Disposition"] = content_disposition_header(
                        True, f"{volume_name(unit, year)}-归档文件目录.csv"
                    )
                    return response
                data = pdf.volume_catalogue_pdf(unit_path=unit.unit_path, year=year, records=records, pages=pages)
                return _pdf_response(data, f"{volume_name(unit, year)}-归档文件目录.pdf")
            outdir = Path(tempfile.mkdtemp(prefix="archive-download-"))
            try:
                volume = export_volume(unit=unit, year=year, outdir=outdir)
            except (VolumeError, bagit.BagValidationError) as exc:
                form.add_error(None, f"导出失败：{exc}")
            else:
                # The open handle keeps the ZIP readable after its folder is removed (POSIX); FileResponse closes it.
                handle = volume.zip_path.open("rb")
                return FileResponse(handle, as_attachment=True, filename=volume.zip_path.name)
            finally:
                shutil.rmtree(outdir, ignore_errors=True)
    else:
        initial = {"output": "catalogue"}
        if request.GET.get("unit"):
            initial["unit"] = request.GET["unit"]
        if request.GET.get("year"):
            initial["year"] = request.GET["year"]
        form = VolumeForm(initial=initial)
    return TemplateResponse(request, "archive/admin/volume.html", {"form": form})


def approval_form_pdf_view(request, pk: int):
    form = get_object_or_404(ApprovalForm.objects.select_related("item"), pk=pk)
    if not can_view_approval_form(request.user, form):
        raise PermissionDenied
    return _pdf_response(_form_pdf(form), f"审批表-{form.item_id}-{form.pk}.pdf")


def item_approval_form_pdf_view(request, item_pk: int):
    """The item's current approval form: the open one, else the one of its last publication."""
    from disclosure_pages.models import DisclosureItemPage

    item = get_object_or_404(DisclosureItemPage, pk=item_pk)
    form = open_approval_form(item) or approval_forms_for_item(item).first()
    if form is None:
        raise Http404("该事项尚无审批表。")
    if not can_view_approval_form(request.user, form):
        raise PermissionDenied
    return _pdf_response(_form_pdf(form), f"审批表-{item.pk}-{form.pk}.pdf")
