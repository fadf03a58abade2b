"""来电记录 in the admin: a Wagtail ModelViewSet (list with filters and CSV/XLSX export, add, edit,
inspect, delete with Wagtail's confirmation), for operators and superusers only.

The add view is prefilled with the items the operator opened in the console; add and edit save
through callcentre.services, which refuse any item that is not public."""

from __future__ import annotations

import django_filters
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

from .choices import CallOutcome
from .forms import CallRecordForm
from .models import CallRecord
from .permissions import CallRecordPermissionPolicy
from .services import call_record_create, call_record_update
from .views import OperatorsOnly, forget_opened, opened_ids


def operators():
    return CallRecordPermissionPolicy(CallRecord).users_with_any_permission(["view"], include_superusers=False)


class CallRecordFilterSet(WagtailFilterSet):
    outcome = django_filters.ChoiceFilter(label="办理结果", choices=CallOutcome.choices, empty_label="全部")
    started_at = django_filters.DateFromToRangeFilter(label="来电日期", widget=DateRangePickerWidget)
    operator = django_filters.ModelChoiceFilter(label="坐席员", queryset=lambda request: operators(), empty_label="全部")

    class Meta:
        model = CallRecord
        fields = ["outcome", "started_at", "operator"]


def _data(form) -> dict:
    data = form.cleaned_data
    return dict(
        question=data["question"],
        answer=data.get("answer", ""),
        item_ids=[item.pk for item in data.get("items") or []],
        caller_phone=data.get("caller_phone", ""),
        outcome=data["outcome"],
        started_at=data["started_at"],
    )


class CallCreateView(OperatorsOnly, generic.CreateView):
    def get_initial(self):
        initial = super().get_initial()
        initial.setdefault("started_at", timezone.localtime().replace(second=0, microsecond=0))
        initial["items"] = opened_ids(self.request)
        return initial

    def save_instance(self):
        call = call_record_create(operator=self.request.user, **_data(self.form))
        # The next call starts with nothing opened.
        forget_opened(self.request)
        return call

    def get_success_url(self):
        return reverse("callcentre_calls:inspect", args=[self.object.pk])

    def get_success_message(self, instance):
        return "来电记录已保存。如需为来电人提交依申请公开或意见建议，请在下方操作。"


class CallEditView(OperatorsOnly, generic.EditView):
    def save_instance(self):
        return call_record_update(call=self.object, **_data(self.form))


class CallInspectView(OperatorsOnly, generic.InspectView):
    template_name = "callcentre/call_inspect.html"
    fields = ["started_at", "operator", "caller_phone_masked", "question", "answer", "outcome"]

    def get_operator_display_value(self):
        return self.object.operator_name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        call = self.object
        context.update(
            items=list(call.items.order_by("path")),
            request_url=reverse("callcentre:file_request", args=[call.pk]),
            feedback_url=reverse("callcentre:file_feedback", args=[call.pk]),
        )
        return context


class CallIndexView(OperatorsOnly, generic.IndexView):
    @cached_property
    def header_buttons(self):
        return [HeaderButton("坐席工作台", url=reverse("callcentre:console"), icon_name="search")]

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("operator", "disclosure_request").prefetch_related("items")


class CallDeleteView(OperatorsOnly, generic.DeleteView):
    pass


class CallHistoryView(OperatorsOnly, HistoryView):
    pass


class CallRecordViewSet(ModelViewSet):
    model = CallRecord
    icon = "mail"
    menu_label = "来电记录"
    add_to_admin_menu = False  # in the 人工坐席 menu (wagtail_hooks), shown to operators only
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["started_at", "question", "answer", "items", "outcome"]
    index_view_class = CallIndexView
    add_view_class = CallCreateView
    edit_view_class = CallEditView
    inspect_view_class = CallInspectView
    delete_view_class = CallDeleteView
    history_view_class = CallHistoryView
    filterset_class = CallRecordFilterSet
    list_display = [
        Column("question", label="咨询问题", accessor="question"),
        DateColumn("started_at", label="来电时间"),
        Column("operator", label="坐席员", accessor="operator_name"),
        Column("outcome", label="办理结果", accessor="get_outcome_display"),
        Column("tracking_number", label="申请编号", accessor="tracking_number"),
    ]
    list_export = [
        "started_at",
        "operator_name",
        "caller_phone_masked",
        "question",
        "answer",
        "get_outcome_display",
        "cited_items",
        "tracking_number",
        "feedback_id",
    ]
    export_headings = {
        "started_at": "来电时间",
        "operator_name": "坐席员",
        "caller_phone_masked": "来电号码",
        "question": "咨询问题",
        "answer": "答复内容",
        "get_outcome_display": "办理结果",
        "cited_items": "引用的公开事项",
        "tracking_number": "申请编号",
        "feedback_id": "意见建议编号",
    }
    export_filename = "call-records"
    search_fields = ["question", "answer"]
    search_backend_name = None  # plain database filtering
    ordering = ["-started_at", "-pk"]

    @cached_property
    def url_namespace(self):
        return "callcentre_calls"

    @cached_property
    def url_prefix(self):
        return "callcentre/calls"

    def get_form_class(self, for_update=False):
        return CallRecordForm


call_record_viewset = CallRecordViewSet("call_records")
