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
