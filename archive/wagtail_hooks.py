"""The archivist's listing (wagtail-modeladmin, read-only) and the archive's admin URLs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin import SimpleListFilter, display
from django.contrib.admin.options import IncorrectLookupParameters
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.http import urlencode
from wagtail import hooks
from wagtail.admin.widgets.button import Button
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, modeladmin_register
from wagtail_modeladmin.views import IndexView

from disclosure_pages.models import UnitPage
from disclosure_pages.params import parse_id
from disclosure_pages.permissions import can_see
from disclosure_pages.selectors import is_item_page

from . import admin_views
from .models import ArchiveRecord
from .selectors import approval_forms_for_item, can_view_approval_form

ARCHIVIST_GROUP = "档案管理员"


class ReadOnlyPermissionHelper(PermissionHelper):
    """Archivists list and inspect; nobody, superusers included, adds, edits or deletes a record."""

    def user_can_list(self, user):
        return user.has_perm(admin_views.ARCHIVE_PERMISSION)

    def user_can_inspect_obj(self, user, obj):
        return self.user_can_list(user) and can_see(user, obj)

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class RecordButtonHelper(ButtonHelper):
    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        buttons = super().get_buttons_for_obj(obj, exclude, classnames_add, classnames_exclude)
        buttons.append(
            {
                "url": reverse("archive_record_pdf", args=[obj.pk]),
                "label": "导出PDF",
                "classname": self.finalise_classname(["button-secondary"]),
                "title": f"导出 {obj.number} 的审批表、内容和表格（PDF）",
            }
        )
        return buttons


class RegionFilter(SimpleListFilter):
    title = "行政区域"
    parameter_name = "region"

    def lookups(self, request, model_admin):
        regions = set()
        for unit_path in ArchiveRecord.objects.values_list("unit_path", flat=True).distinct():
            parts = unit_path.split("/")[:-1]
            regions.update("/".join(parts[: i + 1]) for i in range(len(parts)))
        return [(region, region) for region in sorted(regions)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(unit_path__startswith=self.value() + "/")
        return queryset


class UnitFilter(SimpleListFilter):
    title = "单位"
    parameter_name = "unit"

    def lookups(self, request, model_admin):
        rows = ArchiveRecord.objects.values_list("unit_id", "unit_path").distinct().order_by("unit_path")
        region = request.GET.get(RegionFilter.parameter_name)
        return [(str(pk), path) for pk, path in rows if not region or path.startswith(region + "/")]

    def queryset(self, request, queryset):
        if self.value():
            unit_id = parse_id(self.value())
            return queryset.filter(unit_id=unit_id) if unit_id else queryset.none()
        return queryset


class RecordIndexView(IndexView):
    def dispatch(self, request, *args, **kwargs):
        # modeladmin lets a filter it cannot apply (an unknown field, "year=abc") escape as a 500;
        # Django's own admin answers it too, with its "?e=1" page.
        try:
            return super().dispatch(request, *args, **kwargs)
        except IncorrectLookupParameters:
            return HttpResponseBadRequest(
                f'<p>筛选条件无效。<a href="{escape(request.path)}">显示全部归档记录</a></p>'.encode()
            )


class ArchiveRecordAdmin(ModelAdmin):
    model = ArchiveRecord
    index_view_class = RecordIndexView
    menu_label = "归档记录"
    menu_icon = "folder-open-inverse"
    menu_order = 250
    add_to_settings_menu = False
    inspect_view_enabled = True
    permission_helper_class = ReadOnlyPermissionHelper
    button_helper_class = RecordButtonHelper
    index_template_name = "archive/admin/record_index.html"
    inspect_template_name = "archive/admin/record_inspect.html"
    list_display = ("number", "title", "unit_path", "catalog_code", "kind", "retention", "published_date")
    list_filter = (RegionFilter, UnitFilter, "year", "catalog_level1", "retention", "kind")
    search_fields = ("number", "title", "catalog_code")
    list_per_page = 50
    ordering = ("-created_at", "-pk")
    inspect_view_fields = (
        "number",
        "title",
        "kind",
        "unit_path",
        "catalog_code",
        "catalog_path",
        "period_label",
        "published_at",
        "retention",
        "reason",
        "actor_name",
        "created_at",
        "content_hash",
        "prev_hash",
    )

    # display() marks the function itself: attributes set on a staticmethod object after the fact
    # are not seen through the class, and the column was headed "Published date" and not sortable.
    @staticmethod
    @display(description="发布日期", ordering="published_at")
    def published_date(obj):
        return f"{timezone.localtime(obj.published_at):%Y-%m-%d}"


modeladmin_register(ArchiveRecordAdmin)


@hooks.register("register_admin_urls")
def archive_admin_urls():
    return [
        path("archive/records/<id:pk>/pdf/", admin_views.record_pdf_view, name="archive_record_pdf"),
        path("archive/volume/", admin_views.volume_view, name="archive_volume"),
        path(
            "archive/records/<id:pk>/attachments/<id:index>/",
            admin_views.record_attachment_view,
            name="archive_record_attachment",
        ),
        path(
            "archive/approval-forms/<id:pk>/pdf/", admin_views.approval_form_pdf_view, name="archive_approval_form_pdf"
        ),
        path(
            "archive/items/<id:item_pk>/approval-form/pdf/",
            admin_views.item_approval_form_pdf_view,
            name="archive_item_approval_form_pdf",
        ),
    ]


def volume_url(request) -> str:
    query = {key: request.GET[key] for key in ("unit", "year") if request.GET.get(key)}
    return reverse("archive_volume") + (f"?{urlencode(query)}" if query else "")


@hooks.register("before_delete_page")
def keep_filed_units(request, page):
    """A unit (or a region above units) with archive records cannot be deleted: its records are kept for their
    retention period. Items can be deleted; their records stay, with the item's title and path."""
    units = UnitPage.objects.descendant_of(page, inclusive=True)
    if ArchiveRecord.objects.filter(unit__in=units).exists():
        messages.error(request, format_html("“{}”下有归档记录，按档案保管期限不能删除。", page.title))
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None


@hooks.register("register_page_header_buttons")
def approval_form_button(page, user, view_name, next_url=None):
    """审批表（PDF） on an item's admin pages, for whoever may read its approval form."""
    if not is_item_page(page):
        return
    form = approval_forms_for_item(page).first()
    if form is not None and can_view_approval_form(user, form):
        yield Button(
            "审批表（PDF）", reverse("archive_item_approval_form_pdf", args=[page.pk]), icon_name="doc-full", priority=68
        )
