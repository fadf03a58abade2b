from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.urls import path, reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from notices.dashboard import DashboardPanel

from .admin_views import urls
from .models import RegionRuleSet, RuleSet
from .selectors import handles_any_unit, overdue_topics

OVERDUE_TOPICS_SHOWN = 20


@hooks.register("register_admin_urls")
def register_participation_urls():
    return [path("participation/", urls)]


class HandlerMenuItem(MenuItem):
    """Shown to the units' handling staff, supervisors and superusers only."""

    def is_shown(self, request):
        return handles_any_unit(request.user)


class HandlerSubmenu(SubmenuMenuItem):
    def is_shown(self, request):
        return handles_any_unit(request.user)


@hooks.register("register_admin_menu_item")
def register_participation_menu():
    menu = Menu(
        items=[
            HandlerMenuItem(
                "依申请公开",
                reverse("participation_admin:request_index"),
                icon_name="mail",
                name="participation-requests",
                order=100,
            ),
            HandlerMenuItem(
                "意见建议与点题",
                reverse("participation_admin:feedback_index"),
                icon_name="comment",
                name="participation-feedback",
                order=200,
            ),
        ]
    )
    return HandlerSubmenu("公众参与", menu, icon_name="group", name="participation", order=350)


class RuleSetViewSet(SnippetViewSet):
    model = RuleSet
    icon = "time"
    list_display = ["name", Column("summary", label="时限"), BooleanColumn("is_default", label="默认规则")]
    menu_label = "时限规则"


class RegionRuleSetViewSet(SnippetViewSet):
    model = RegionRuleSet
    icon = "site"
    list_display = ["region", "rule_set"]
    menu_label = "区域时限规则"


class RuleSetGroup(SnippetViewSetGroup):
    items = (RuleSetViewSet, RegionRuleSetViewSet)
    menu_label = "依申请公开时限"
    menu_icon = "time"
    menu_order = 360


register_snippet(RuleSetGroup)


# --- dashboard: 点题 past their due date, for the unit's handlers and its supervisors ----------------


@dataclass
class OverdueTopicRow:
    number: str
    unit: str
    content: str
    due: datetime.date
    days: int
    url: str


class OverdueTopicsPanel(DashboardPanel):
    name = "participation_overdue_topics"
    heading = "逾期未答复的点题"
    template_name = "participation/admin/panels/overdue_topics.html"
    order = 68

    def rows(self) -> list[OverdueTopicRow]:
        today = timezone.localdate()
        topics = overdue_topics(self.request.user, today=today).select_related("unit")
        self._total = topics.count()
        return [
            OverdueTopicRow(
                number=topic.tracking_number or f"#{topic.pk}",
                unit=topic.unit.display_name,
                content=topic.content[:40],
                due=topic.due_date,
                days=(today - topic.due_date).days,
                url=reverse("participation_admin:feedback_detail", args=[topic.pk]),
            )
            for topic in topics[:OVERDUE_TOPICS_SHOWN]
        ]

    def get_context_data(self, parent_context=None):
        context = super().get_context_data(parent_context)
        context["total"] = self._total
        context["list_url"] = reverse("participation_admin:feedback_index") + "?kind=topic&state=overdue"
        return context


@hooks.register("construct_homepage_panels")
def add_overdue_topics_panel(request, panels):
    if handles_any_unit(request.user):
        panels.append(OverdueTopicsPanel(request))
