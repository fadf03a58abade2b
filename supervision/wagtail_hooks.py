from wagtail import hooks

from .admin_views import evaluation_period_viewset


@hooks.register("register_admin_viewset")
def register_evaluation_period_viewset():
    return evaluation_period_viewset


# 监督检查: the superior's viewset, the unit staff's screen and menu item, the overdue 整改 panel.
from django.urls import reverse  # noqa: E402
from wagtail.admin.menu import MenuItem  # noqa: E402

from .inspections_admin import OverdueRectificationsPanel, inspection_viewset, is_unit_staff, staff_urls  # noqa: E402


@hooks.register("register_admin_viewset")
def register_inspection_viewset():
    return inspection_viewset


@hooks.register("register_admin_urls")
def register_inspection_staff_urls():
    return staff_urls


class _StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return is_unit_staff(request.user)


@hooks.register("register_admin_menu_item")
def register_my_rectifications_menu_item():
    return _StaffMenuItem("本单位整改", reverse("supervision_my_rectifications"), icon_name="doc-full", order=265)


@hooks.register("construct_homepage_panels")
def add_overdue_rectifications_panel(request, panels):
    panels.append(OverdueRectificationsPanel(request))
