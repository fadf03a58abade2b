from wagtail import hooks

from .admin_views import evaluation_period_viewset


@hooks.register("register_admin_viewset")
def register_evaluation_period_viewset():
    return evaluation_period_viewset


# 年度报告 (supervision/annualreport_admin.py)
from django.urls import include, path  # noqa: E402

from . import annualreport_admin  # noqa: E402


@hooks.register("register_admin_urls")
def register_annual_report_urls():
    return [path("supervision/reports/", include((annualreport_admin.admin_urls, "annual_reports")))]


@hooks.register("register_admin_menu_item")
def register_annual_report_menu():
    return annualreport_admin.menu_item()


# 党务公开监督员 and 直通车 (supervision.hotline_admin)
from .hotline_admin import hotline_panel_for, monitor_viewset, opinion_viewset  # noqa: E402


@hooks.register("register_admin_viewset")
def register_hotline_viewsets():
    return [monitor_viewset, opinion_viewset]


@hooks.register("construct_homepage_panels")
def add_hotline_panel(request, panels):
    panel = hotline_panel_for(request)
    if panel is not None:
        panels.append(panel)


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


@hooks.register("register_admin_viewset")
def register_assessment_viewset():
    from .assessment_admin import assessment_scheme_viewset

    return assessment_scheme_viewset
