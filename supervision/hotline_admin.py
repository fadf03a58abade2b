"""Admin screens of 监督员 and 直通车 (Wagtail ModelViewSets), and the dashboard panel.

- 党务公开监督员: the superior appoints and manages the 监督员 of the units in reach;
- 监督意见: the unit's staff see their unit's opinions with due dates and answer them; supervisors see
  those in reach (read only).

Every screen asks the one policy (disclosure_pages.permissions: can_see / can_change) through the
permission policies below; another unit's or reach's row is a 404 whatever its id.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import django_filters
from django import forms
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from deadlines import clock
from disclosure_pages.models import UnitPage
from disclosure_pages.permissions import STAFF_ROLES, can_change, can_see, roles_for
from notices.dashboard import DashboardPanel

from .hotline_selectors import (
    handles_opinions,
    monitors_for_supervisor,
    open_opinions_for_staff,
    opinions_for_handler,
    overdue_opinions_in_reach,
)
from .hotline_services import HotlineError, monitor_appoint, monitor_update, opinion_answer
from .models_hotline import ANSWER_MAX, DisclosureMonitor, MonitorIdentity, MonitorOpinion
from .policies import SupervisorPermissionPolicy, is_supervisor


def _active(user) -> bool:
    return user.is_active and not user.is_anonymous


# --- 党务公开监督员 ----------------------------------------------------------------------------------


class MonitorPermissionPolicy(SupervisorPermissionPolicy):
    """Supervisors (and superusers) appoint and manage the 监督员 of the units in their reach."""

    def user_has_permission_for_instance(self, user, action, instance):
        if not is_supervisor(user):
            return False
        if action == "view":
            return can_see(user, instance)
        if action == "change":
            return can_change(user, instance)
        if action == "delete":  # a 监督员 who filed opinions is part of their record: end the term instead
            return can_change(user, instance) and not instance.opinions.exists()
        return False

    def supervised(self, user):
        return monitors_for_supervisor(user)


def units_in_reach(user):
    units = UnitPage.objects.live().order_by("path")
    if user.is_superuser:
        return units
    roots = roles_for(user).reaches
    if not roots:
        return units.none()
    q = None
    for root in roots:
        part = UnitPage.objects.filter(path__startswith=root)
        q = part if q is None else q | part
    return units.filter(pk__in=q.values("pk"))


class MonitorForm(WagtailAdminModelForm):
    account = forms.CharField(
        label="登录账号（用户名）",
        required=False,
        max_length=150,
        help_text="可不填。填写已有账号的用户名后，该账号在聘期内可阅读授权范围的本单位事项，并可通过“直通车”提出监督意见。",
    )

    class Meta:
        model = DisclosureMonitor
        fields = ["unit", "name", "identity", "term_starts", "term_ends", "reads_party", "reads_committee"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        self.fields["unit"] = forms.ModelChoiceField(
            label="监督单位",
            queryset=units_in_reach(user) if user is not None else UnitPage.objects.none(),
            error_messages={"required": "请选择监督单位。", "invalid_choice": "请选择监督范围内的单位。"},
        )
        self.fields["unit"].label_from_instance = lambda unit: unit.display_name
        self.fields["name"].error_messages["required"] = "请填写监督员姓名。"
        self.fields["identity"].error_messages.update(
            {"required": "请选择监督员身份。", "invalid_choice": "请从列表中选择监督员身份。"}
        )
        for name, label in (("term_starts", "聘期开始日期"), ("term_ends", "聘期结束日期")):
            self.fields[name].error_messages.update({"required": f"请填写{label}。", "invalid": "请填写有效的日期。"})
        if self.instance.pk and self.instance.user_id:
            self.initial.setdefault("account", self.instance.user.get_username())

    def clean_account(self):
        username = self.cleaned_data["account"].strip()
        if not username:
            return None
        account = get_user_model()._default_manager.filter(username=username, is_active=True).first()
        if account is None:
            raise forms.ValidationError("没有这个登录账号（或账号已停用），请核对用户名。")
        return account

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("term_starts"), cleaned.get("term_ends")
        if starts and ends and ends < starts:
            self.add_error("term_ends", "聘期结束日期不能早于开始日期。")
        return cleaned


class _ServiceSaveMixin:
    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except HotlineError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)

    def _fields(self) -> dict:
        data = self.form.cleaned_data
        return {
            "unit": data["unit"],
            "name": data["name"],
            "identity": data["identity"],
            "term_starts": data["term_starts"],
            "term_ends": data["term_ends"],
            "user": data["account"],
            "reads_party": data["reads_party"],
            "reads_committee": data["reads_committee"],
        }


class _MonitorInReachMixin:
    def get_object(self, queryset=None):
        if getattr(self, "object", None):
            return self.object
        pk = unquote(str(self.kwargs[self.pk_url_kwarg]))
        return get_object_or_404(monitors_for_supervisor(self.request.user), pk=pk)


class MonitorCreateView(_ServiceSaveMixin, generic.CreateView):
    def save_instance(self):
        return monitor_appoint(actor=self.request.user, **self._fields())


class MonitorEditView(_MonitorInReachMixin, _ServiceSaveMixin, generic.EditView):
    def save_instance(self):
        return monitor_update(monitor=self.object, actor=self.request.user, **self._fields())


class MonitorIndexView(generic.IndexView):
    def get_base_queryset(self):
        return monitors_for_supervisor(self.request.user)


class MonitorDeleteView(_MonitorInReachMixin, generic.DeleteView):
    def get_object(self, queryset=None):
        monitor = super().get_object(queryset)
        if monitor.opinions.exists():
            raise PermissionDenied("已提出过监督意见的监督员不能删除，可修改聘期结束日期。")
        return monitor


class MonitorInspectView(_MonitorInReachMixin, generic.InspectView):
    fields = [
        "unit",
        "name",
        "identity",
        "term_starts",
        "term_ends",
        "user",
        "reads_party",
        "reads_committee",
        "appointed_by",
        "appointed_at",
    ]


class TermFilter(django_filters.ChoiceFilter):
    def filter(self, qs, value):
        today = clock.today()
        if value == "current":
            return qs.filter(term_starts__lte=today, term_ends__gte=today)
        if value == "upcoming":
            return qs.filter(term_starts__gt=today)
        if value == "ended":
            return qs.filter(term_ends__lt=today)
        return qs


class MonitorFilterSet(WagtailFilterSet):
    term = TermFilter(
        label="聘期", choices=[("current", "聘期内"), ("upcoming", "未到聘期"), ("ended", "已期满")], empty_label="全部"
    )
    identity = django_filters.ChoiceFilter(label="身份", choices=MonitorIdentity.choices, empty_label="全部")

    class Meta:
        model = DisclosureMonitor
        fields = ["term", "identity"]


class UnitColumn(Column):
    def get_value(self, instance):
        return instance.unit.display_name


class MonitorViewSet(ModelViewSet):
    model = DisclosureMonitor
    icon = "user"
    menu_label = "党务公开监督员"
    menu_order = 251
    add_to_admin_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = MonitorIndexView
    add_view_class = MonitorCreateView
    edit_view_class = MonitorEditView
    inspect_view_class = MonitorInspectView
    delete_view_class = MonitorDeleteView
    filterset_class = MonitorFilterSet
    list_display = [
        Column("name", label="姓名", accessor="name"),
        Column("identity", label="身份", accessor="get_identity_display"),
        UnitColumn("unit", label="监督单位"),
        DateColumn("term_starts", label="聘期开始"),
        DateColumn("term_ends", label="聘期结束"),
        Column("scopes", label="可阅读", accessor="scopes_label"),
    ]
    list_export = ["name", "identity", "unit", "term_starts", "term_ends", "appointed_by", "appointed_at"]
    search_fields = ["name"]
    ordering = ["unit__path", "-term_ends", "name"]

    def get_form_class(self, for_update=False):
        return MonitorForm

    @cached_property
    def url_namespace(self):
        return "supervision_monitors"

    @cached_property
    def url_prefix(self):
        return "supervision/monitors"


# --- 监督意见 --------------------------------------------------------------------------------------------


class OpinionPermissionPolicy(ModelPermissionPolicy):
    """The unit's staff (and supervisors, read only) see opinions; the staff answer. Nobody adds or
    deletes one here: opinions come through the 直通车 and stay."""

    def user_has_permission(self, user, action):
        if action == "view":
            return handles_opinions(user)
        if action == "change":
            return _active(user) and (user.is_superuser or bool(roles_for(user).unit_paths(*STAFF_ROLES)))
        return False

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "view":
            return can_see(user, instance)
        if action == "change":
            return can_change(user, instance) and not instance.is_answered
        return False

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(self.user_has_permission_for_instance(user, action, instance) for action in actions)

    def instances_user_has_any_permission_for(self, user, actions):
        if not set(actions) & {"view", "change"}:
            return MonitorOpinion.objects.none()
        return opinions_for_handler(user)

    def users_with_any_permission(self, actions, include_superusers=True):
        return get_user_model()._default_manager.none()


class AnswerForm(WagtailAdminModelForm):
    class Meta:
        model = MonitorOpinion
        fields = ["answer"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["answer"]
        field.required = True
        field.help_text = f"不超过{ANSWER_MAX}字。提交后监督员即可看到答复，答复不能修改。"
        field.error_messages.update(
            {"required": "请填写答复内容。", "max_length": f"答复内容不能超过{ANSWER_MAX}字，请精简后再提交。"}
        )


class _OpinionMixin:
    def get_object(self, queryset=None):
        if getattr(self, "object", None):
            return self.object
        pk = unquote(str(self.kwargs[self.pk_url_kwarg]))
        return get_object_or_404(opinions_for_handler(self.request.user), pk=pk)


class OpinionAnswerView(_OpinionMixin, generic.EditView):
    template_name = "supervision/hotline/admin/answer.html"

    def get_object(self, queryset=None):
        opinion = super().get_object(queryset)
        if not can_change(self.request.user, opinion):
            raise PermissionDenied("只有本单位的录入人、审核人、审批人可以答复监督意见。")
        if opinion.is_answered:
            raise PermissionDenied("该监督意见已经答复，答复不能修改。")
        return opinion

    def get_page_subtitle(self):
        return f"答复监督意见 {self.object.number}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(opinion=self.object, state_label=self.object.state_label(clock.today()))
        return context

    def save_instance(self):
        return opinion_answer(opinion=self.object, actor=self.request.user, answer=self.form.cleaned_data["answer"])

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except HotlineError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)

    def get_success_message(self):
        return f"已答复监督意见 {self.object.number}。"

    def get_success_url(self):
        return reverse("supervision_opinions:inspect", args=[self.object.pk])


class OpinionInspectView(_OpinionMixin, generic.InspectView):
    template_name = "supervision/hotline/admin/opinion_inspect.html"
    fields = [
        "number",
        "unit",
        "monitor",
        "filed_at",
        "due_date",
        "content",
        "answer",
        "answered_at",
        "answered_by",
        "escalated_at",
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = clock.today()
        context.update(
            opinion=self.object,
            state_label=self.object.state_label(today),
            may_answer=can_change(self.request.user, self.object) and not self.object.is_answered,
        )
        return context


class OpinionIndexView(generic.IndexView):
    def get_base_queryset(self):
        return opinions_for_handler(self.request.user)


class OpinionStateFilter(django_filters.ChoiceFilter):
    def filter(self, qs, value):
        today = clock.today()
        if value == "open":
            return qs.filter(answered_at__isnull=True, due_date__gte=today)
        if value == "overdue":
            return qs.filter(answered_at__isnull=True, due_date__lt=today)
        if value == "answered":
            return qs.filter(answered_at__isnull=False)
        return qs


class OpinionFilterSet(WagtailFilterSet):
    state = OpinionStateFilter(
        label="状态", choices=[("open", "待答复"), ("overdue", "已逾期"), ("answered", "已答复")], empty_label="全部"
    )

    class Meta:
        model = MonitorOpinion
        fields = ["state"]


class OpinionStateColumn(Column):
    def get_value(self, instance):
        return instance.state_label(clock.today())


class OpinionViewSet(ModelViewSet):
    model = MonitorOpinion
    icon = "mail"
    menu_label = "监督意见"
    menu_order = 252
    add_to_admin_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = OpinionIndexView
    edit_view_class = OpinionAnswerView
    inspect_view_class = OpinionInspectView
    filterset_class = OpinionFilterSet
    form_fields = ["answer"]
    list_display = [
        TitleColumn(
            "number",
            label="意见编号",
            accessor="number",
            get_url=lambda o: reverse("supervision_opinions:inspect", args=[o.pk]),
        ),
        UnitColumn("unit", label="单位"),
        Column("monitor", label="监督员", accessor="monitor.name"),
        DateColumn("filed_at", label="提出时间"),
        DateColumn("due_date", label="答复期限"),
        OpinionStateColumn("state", label="状态"),
    ]
    list_export = ["number", "unit", "monitor", "filed_at", "due_date", "content", "answer", "answered_at"]
    search_fields = ["number", "content"]
    ordering = ["-filed_at", "-pk"]

    def get_form_class(self, for_update=False):
        return AnswerForm

    @cached_property
    def url_namespace(self):
        return "supervision_opinions"

    @cached_property
    def url_prefix(self):
        return "supervision/opinions"


monitor_viewset = MonitorViewSet("supervision_monitors")
opinion_viewset = OpinionViewSet("supervision_opinions")


# --- dashboard: due soon and overdue (the unit's staff), overdue in reach (supervisors) ----------------

PANEL_ROWS = 20


@dataclass
class OpinionRow:
    number: str
    unit: str
    monitor: str
    due: datetime.date
    state: str
    url: str


class HotlinePanel(DashboardPanel):
    name = "supervision_hotline"
    heading = "监督意见“直通车”"
    template_name = "supervision/hotline/admin/panel.html"
    order = 69

    def __init__(self, request, *, staff: bool, supervisor: bool):
        super().__init__(request)
        self.staff, self.supervisor = staff, supervisor

    def _opinion_rows(self, opinions, today) -> list[OpinionRow]:
        rows = []
        for opinion in opinions[:PANEL_ROWS]:
            days = (today - opinion.due_date).days
            state = f"已逾期 {days} 天" if days > 0 else ("今日到期" if days == 0 else f"{-days} 天后到期")
            rows.append(
                OpinionRow(
                    number=opinion.number,
                    unit=opinion.unit.display_name,
                    monitor=opinion.monitor.name,
                    due=opinion.due_date,
                    state=state,
                    url=reverse("supervision_opinions:inspect", args=[opinion.pk]),
                )
            )
        return rows

    def rows(self) -> list[tuple[str, int, list[OpinionRow]]]:
        """(heading, total, first rows) per section that has any; the panel is left out when none has."""
        today = clock.today()
        user = self.request.user
        sections = []
        if self.staff:
            mine = open_opinions_for_staff(user, today=today)
            sections.append(("本单位待答复（即将到期或已逾期）", mine.count(), self._opinion_rows(mine, today)))
        if self.supervisor:
            overdue = overdue_opinions_in_reach(user, today=today)
            sections.append(("监督范围内逾期未答复", overdue.count(), self._opinion_rows(overdue, today)))
        return [section for section in sections if section[1]]

    def get_context_data(self, parent_context=None):
        context = super().get_context_data(parent_context)
        context["list_url"] = reverse("supervision_opinions:index")
        return context


def hotline_panel_for(request):
    """The panel for the unit's staff and for supervisors, or None (superusers see it as supervisors)."""
    user = request.user
    if not _active(user):
        return None
    roles = roles_for(user)
    staff = bool(roles.unit_paths(*STAFF_ROLES))
    supervisor = user.is_superuser or bool(roles.reaches)
    if not (staff or supervisor):
        return None
    return HotlinePanel(request, staff=staff, supervisor=supervisor)
