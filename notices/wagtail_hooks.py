from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_urls
from .selectors import unread_count


@hooks.register("register_admin_urls")
def register_notice_urls():
    return [path("notices/", include(admin_urls, namespace="notices"))]


class InboxMenuItem(MenuItem):
    """站内消息 in the sidebar, with the unread count in its label (the sidebar has no badge of its own)."""

    def render_component(self, request):
        count = unread_count(request.user)
        component = super().render_component(request)
        component.label = f"站内消息（{count}条未读）" if count else "站内消息"
        return component


@hooks.register("register_admin_menu_item")
def register_inbox_menu_item():
    return InboxMenuItem("站内消息", reverse("notices:inbox"), name="notices", icon_name="mail", order=50)


@hooks.register("construct_homepage_panels")
def add_dashboard_panels(request, panels):
    from .dashboard import PANELS

    panels.extend(panel(request) for panel in PANELS)
