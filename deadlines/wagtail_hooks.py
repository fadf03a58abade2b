from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from disclosure_pages.choices import Schedule
from disclosure_pages.models import CatalogNodePage

from . import admin_urls
from .models import Holiday
from .selectors import can_file_zero_report, can_see_node_schedule, can_watch


@hooks.register("register_admin_urls")
def register_deadline_urls():
    return [path("deadlines/", include(admin_urls, namespace="deadlines"))]


class ComplianceMenuItem(MenuItem):
    def is_shown(self, request):
        return can_watch(request.user)


@hooks.register("register_admin_menu_item")
def register_compliance_menu_item():
    return ComplianceMenuItem("公开时限督查", reverse("deadlines:compliance"), icon_name="date", order=250)


class HolidayViewSet(SnippetViewSet):
    model = Holiday
    icon = "date"
    menu_label = "节假日安排"
    add_to_settings_menu = True
    list_display = ["date", "name", "kind", BooleanColumn("provisional", label="暂定")]
    list_filter = ["kind", "provisional"]
    ordering = ["-date"]


register_snippet(HolidayViewSet)


@hooks.register("register_page_header_buttons")
def deadline_buttons(page, user, view_name, next_url=None):
    specific = page.specific_deferred
    if not isinstance(specific, CatalogNodePage) or specific.level != 3:
        return
    if can_see_node_schedule(user, specific):
        yield Button("时限说明", reverse("deadlines:node_schedule", args=[page.pk]), icon_name="date", priority=80)
    if specific.schedule == Schedule.IMMEDIATE and can_file_zero_report(user, specific):
        yield Button("零上报", reverse("deadlines:zero_report", args=[page.pk]), icon_name="doc-empty", priority=81)


@hooks.register("register_page_listing_buttons")
def zero_report_listing_button(page, user, next_url=None):
    """零上报 as a labelled button on the node's row of the catalogue listing (not only behind "…")."""
    specific = page.specific_deferred
    if not isinstance(specific, CatalogNodePage) or specific.level != 3:
        return
    if specific.schedule == Schedule.IMMEDIATE and can_file_zero_report(user, specific):
        yield Button(
            "零上报",
            reverse("deadlines:zero_report", args=[page.pk]),
            icon_name="doc-empty",
            classname="button button-small button-secondary",
            attrs={"aria-label": f"“{page.title}”零上报"},
            priority=20,
        )
