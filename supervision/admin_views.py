"""The superior's admin screens of 党员评议: a Wagtail ModelViewSet (list with filters and export, open a
period, edit it, inspect turnout and, after the end, the results per unit).

Every screen asks the one policy (disclosure_pages.permissions: can_see / can_change, can_open_evaluation);
writes go through supervision.services. The ratings themselves have no admin screen: the results are
read through selectors.evaluation_results only.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Page

from deadlines import clock
from disclosure_pages.models import RegionPage, UnitPage
from disclosure_pages.permissions import can_change, can_open_evaluation, can_see, roles_for

from .choices import PeriodState
from .models import EvaluationPeriod
from .policies import SupervisorPermissionPolicy
from .selectors import evaluation_results, party_member_count, periods_for_supervisor, turnout
from .services import EvaluationError, period_open, period_update


class EvaluationPeriodPermissionPolicy(SupervisorPermissionPolicy):
    """Supervisors (and superusers) open and manage the periods of the units and regions in their reach."""

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "view":
            return can_see(user, instance)
        if action == "change":
            return can_change(user, instance)
        if action == "delete":  # a period with ballots is a record of the members' voice: it stays
            return can_change(user, instance) and not instance.ballots.exists()
        return False

    def supervised(self, user):
        return periods_for_supervisor(user)


def targets_for(user):
    """Units and regions the user may open a period for (the reach's subtree)."""
    pages = Page.objects.type(RegionPage, UnitPage).live().order_by("path")
    if user.is_superuser:
        return pages
    roots = roles_for(user).reaches
    if not roots:
        return pages.none()
    q = None
    for root in roots:
        part = Page.objects.filter(path__startswith=root)
        q = part if q is None else q | part
    return pages.filter(pk__in=q.values("pk"))


class EvaluationPeriodForm(WagtailAdminModelForm):
    class Meta:
        model = EvaluationPeriod
        fields = ["target", "title", "starts_on", "ends_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        self.fields["target"] = forms.ModelChoiceField(
            label="评议对象",
            queryset=targets_for(user) if user is not None else Page.objects.none(),
            help_text=EvaluationPeriod._meta.get_field("target").help_text,
            error_messages={"required": "请选择评议对象。", "invalid_choice": "请选择监督范围内的单位或行政区域。"},
        )
        self.fields["target"].label_from_instance = lambda page: "　" * max(page.depth - 2, 0) + page.title
        self.fields["title"].error_messages["required"] = "请填写评议名称。"
        self.fields["starts_on"].error_messages.update({"required": "请填写开始日期。", "invalid": "请填写有效的日期。"})
        self.fields["ends_on"].error_messages.update({"required": "请填写结束日期。", "invalid": "请填写有效的日期。"})

    def clean(self):
        cleaned = super().clean()
        target = cleaned.get("target")
        if target is not None and self.for_user is not None and not can_open_evaluation(self.for_user, target):
            self.add_error("target", "您只能对监督范围内的单位或区域发起评议。")
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "结束日期不能早于开始日期。")
        return cleaned


class _InReachMixin:
    """Another reach's period is a 404, whatever its id: the object comes from the user's periods only."""

    def get_object(self, queryset=None):
        if getattr(self, "object", None):
            return self.object
        pk = unquote(str(self.kwargs[self.pk_url_kwarg]))
        return get_object_or_404(periods_for_supervisor(self.request.user), pk=pk)


class _ServiceSaveMixin:
    """Save through the services; a refusal there re-renders the form with its message."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except EvaluationError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)


class EvaluationPeriodCreateView(_ServiceSaveMixin, generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return period_open(
            actor=self.request.user,
            target=data["target"],
            title=data["title"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
        )


class EvaluationPeriodEditView(_InReachMixin, _ServiceSaveMixin, generic.EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        return period_update(
            period=self.object,
            actor=self.request.user,
            target=data["target"],
            title=data["title"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
        )


class EvaluationPeriodIndexView(generic.IndexView):
    def get_base_queryset(self):
        return periods_for_supervisor(self.request.user)


class EvaluationPeriodDeleteView(_InReachMixin, generic.DeleteView):
    def get_object(self, queryset=None):
        period = super().get_object(queryset)
        if period.ballots.exists():
            raise PermissionDenied("已有党员参加的评议不能删除。")
        return period


class EvaluationPeriodInspectView(_InReachMixin, generic.InspectView):
    template_name = "supervision/admin/inspect.html"
    fields = ["title", "target", "starts_on", "ends_on", "opened_by", "created_at"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = self.object
        today = clock.today()
        state = period.state(today)
        cast = turnout(period)
        rows = []
        for unit in period.units():
            rows.append(
                {
                    "unit": unit,
                    "members": party_member_count(unit),
                    "cast": cast.get(unit.pk, 0),
                    "results": evaluation_results(unit, period) if state == PeriodState.ENDED else None,
                }
            )
        context.update(period=period, state=state, state_label=PeriodState(state).label, rows=rows)
        return context


class PeriodStateFilter(django_filters.ChoiceFilter):
    def filter(self, qs, value):
        today = clock.today()
        if value == PeriodState.UPCOMING:
            return qs.filter(starts_on__gt=today)
        if value == PeriodState.OPEN:
            return qs.filter(starts_on__lte=today, ends_on__gte=today)
        if value == PeriodState.ENDED:
            return qs.filter(ends_on__lt=today)
        return qs


class EvaluationPeriodFilterSet(WagtailFilterSet):
    state = PeriodStateFilter(label="状态", choices=PeriodState.choices, empty_label="全部")

    class Meta:
        model = EvaluationPeriod
        fields = ["state"]


class StateColumn(Column):
    def get_value(self, instance):
        return instance.state_label(clock.today())


class EvaluationPeriodViewSet(ModelViewSet):
    model = EvaluationPeriod
    icon = "group"
    menu_label = "党员评议"
    menu_order = 250
    add_to_admin_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["target", "title", "starts_on", "ends_on"]
    index_view_class = EvaluationPeriodIndexView
    add_view_class = EvaluationPeriodCreateView
    edit_view_class = EvaluationPeriodEditView
    inspect_view_class = EvaluationPeriodInspectView
    delete_view_class = EvaluationPeriodDeleteView
    filterset_class = EvaluationPeriodFilterSet
    list_display = [
        Column("title", label="评议名称", accessor="title"),
        Column("target", label="评议对象", accessor="target.title"),
        DateColumn("starts_on", label="开始日期"),
        DateColumn("ends_on", label="结束日期"),
        StateColumn("state", label="状态"),
    ]
    list_export = ["title", "target", "starts_on", "ends_on", "created_at"]
    search_fields = ["title"]
    ordering = ["-starts_on", "-pk"]

    def get_form_class(self, for_update=False):
        return EvaluationPeriodForm

    @cached_property
    def url_namespace(self):
        return "supervision_periods"

    @cached_property
    def url_prefix(self):
        return "supervision/evaluations"


evaluation_period_viewset = EvaluationPeriodViewSet("supervision_periods")
