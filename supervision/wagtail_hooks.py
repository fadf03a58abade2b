from wagtail import hooks

from .admin_views import evaluation_period_viewset


@hooks.register("register_admin_viewset")
def register_evaluation_period_viewset():
    return evaluation_period_viewset


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
