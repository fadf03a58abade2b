"""Admin: subscriptions and the outbound log, read-only, numbers masked, for site administrators only."""

from __future__ import annotations

from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .models import SmsMessage, SmsSubscription


class StaffReadOnlyPolicy(ModelPermissionPolicy):
    """Read by superusers and whoever holds the model's view permission; written by the services only."""

    def user_has_permission(self, user, action):
        if action != "view" or not user.is_active or user.is_anonymous:
            return False
        return user.is_superuser or user.has_perm(f"{self.app_label}.view_{self.model_name}")

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)


register_permission_policy(SmsSubscription, StaffReadOnlyPolicy(SmsSubscription), exact_class=True)
register_permission_policy(SmsMessage, StaffReadOnlyPolicy(SmsMessage), exact_class=True)


class SubscriptionFilterSet(WagtailFilterSet):
    class Meta:
        model = SmsSubscription
        fields = ["status"]


class MessageFilterSet(WagtailFilterSet):
    class Meta:
        model = SmsMessage
        fields = ["kind", "status"]


class SubscriptionViewSet(ModelViewSet):
    model = SmsSubscription
    icon = "mail"
    menu_label = "短信订阅"
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["status"]  # no add or edit: the policy refuses both
    filterset_class = SubscriptionFilterSet
    list_display = [
        Column("number_masked", label="手机号码"),
        Column("page", label="订阅对象", accessor="page.title"),
        Column("status", label="状态", accessor="get_status_display"),
        DateColumn("confirmed_at", label="确认时间"),
        DateColumn("unsubscribed_at", label="退订时间"),
    ]
    list_export = ["number_masked", "page", "status", "confirmed_at", "unsubscribed_at"]
    inspect_view_fields = ["number_masked", "page", "status", "confirmed_at", "unsubscribed_at"]
    ordering = ["-confirmed_at", "-pk"]


class MessageViewSet(ModelViewSet):
    model = SmsMessage
    icon = "list-ul"
    menu_label = "短信发送记录"
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["status"]
    filterset_class = MessageFilterSet
    list_display = [
        Column("number_masked", label="手机号码"),
        Column("kind", label="类别", accessor="get_kind_display"),
        Column("status", label="状态", accessor="get_status_display"),
        Column("attempts", label="尝试次数"),
        DateColumn("send_after", label="计划发送时间"),
        DateColumn("sent_at", label="发送时间"),
    ]
    list_export = ["number_masked", "kind", "status", "attempts", "last_error", "send_after", "sent_at", "text"]
    inspect_view_fields = [
        "number_masked",
        "kind",
        "text",
        "item",
        "status",
        "attempts",
        "last_error",
        "gateway_id",
        "created_at",
        "send_after",
        "sent_at",
    ]
    search_fields = ["text"]
    ordering = ["-created_at", "-pk"]


class SmsViewSetGroup(ViewSetGroup):
    menu_label = "手机短信"
    menu_icon = "mail"
    menu_order = 260
    items = (SubscriptionViewSet("sms_subscriptions"), MessageViewSet("sms_messages"))


@hooks.register("register_admin_viewset")
def register_sms_viewsets():
    return SmsViewSetGroup()
