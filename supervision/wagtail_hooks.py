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
