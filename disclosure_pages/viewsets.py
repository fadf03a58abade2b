"""Admin screens for roles: unit memberships and supervisor reaches (组织与角色).

Wagtail's ModelViewSet gives list, add, edit, delete and a history view per record
(every change is logged; django-simple-history keeps the row versions as well).

Who manages what: site managers (superusers, or holders of the model permissions) manage
everything. A supervisor (组织部门) manages the memberships of the units within their
reach — the people who fill in, review and approve in the units they supervise — and
nothing else; supervisor reaches themselves are managed by site managers.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import AdminPageChooser

from .models import RegionPage, SupervisorReach, UnitMembership, UnitPage
from .permissions import can_change, can_see, reach_q, roles_for


class UnitMembershipForm(WagtailAdminModelForm):
    def clean_unit(self):
        unit = self.cleaned_data["unit"]
        user = self.for_user
        if user is None or user.is_superuser or user.has_perm("disclosure_pages.change_unitmembership"):
            return unit
        if unit is not None and not roles_for(user).supervises(unit.path):
            raise ValidationError("只能为本组织部门监督范围内的单位设置成员。")
        return unit

    def clean(self):
        data = super().clean()
        user, unit, role = data.get("user"), data.get("unit"), data.get("role")
        duplicate = UnitMembership.objects.filter(user=user, unit=unit, role=role).exclude(pk=self.instance.pk)
        if user and unit and role and duplicate.exists():
            raise ValidationError("该用户在此单位已有这一角色。")
        return data


class MembershipIndexView(generic.IndexView):
    def get_base_queryset(self):
        queryset = super().get_base_queryset().select_related("user", "unit")
        user = self.request.user
        if user.is_superuser or user.has_perm("disclosure_pages.view_unitmembership") or user.has_perm(
            "disclosure_pages.change_unitmembership"
        ):
            return queryset
        return queryset.filter(reach_q(roles_for(user).reaches))


class ObjectPermissionMixin:
    """Every view of one row asks the object policy about that row (Wagtail's generic views check
    only the model permission): a row the user may not see is a 404, one they may not change is too."""

    object_check = staticmethod(can_change)

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if not self.object_check(self.request.user, obj):
            raise Http404
        return obj


class MembershipEditView(ObjectPermissionMixin, generic.EditView):
    pass


class MembershipDeleteView(ObjectPermissionMixin, generic.DeleteView):
    pass


class MembershipHistoryView(ObjectPermissionMixin, HistoryView):
    object_check = staticmethod(can_see)


class UnitMembershipViewSet(ModelViewSet):
    model = UnitMembership
    icon = "group"
    menu_label = "单位成员"
    add_to_admin_menu = False
    copy_view_enabled = False
    index_view_class = MembershipIndexView
    edit_view_class = MembershipEditView
    delete_view_class = MembershipDeleteView
    history_view_class = MembershipHistoryView
    form_fields = ["user", "unit", "role"]
    list_display = [
        "user",
        Column("name", label="姓名", accessor="user.get_full_name"),
        Column("unit_path", label="单位", accessor="unit.unit_path"),
        Column("role", label="角色", accessor="get_role_display"),
        DateColumn("created_at", label="创建时间"),
    ]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__title"]
    ordering = ["unit__path", "role", "user__username"]

    def get_form_class(self, for_update=False):
        return type(
            "UnitMembershipAdminForm",
            (UnitMembershipForm,),
            {
                "Meta": type(
                    "Meta",
                    (),
                    {"model": UnitMembership, "fields": self.form_fields, "widgets": {"unit": AdminPageChooser(target_models=[UnitPage])}},
                )
            },
        )


class SupervisorReachForm(WagtailAdminModelForm):
    class Meta:
        model = SupervisorReach
        fields = ["user", "root"]
        widgets = {"root": AdminPageChooser(target_models=[RegionPage, UnitPage])}


class SupervisorReachViewSet(ModelViewSet):
    model = SupervisorReach
    icon = "view"
    menu_label = "监督范围"
    add_to_admin_menu = False
    copy_view_enabled = False
    form_fields = ["user", "root"]
    list_display = [
        "user",
        Column("name", label="姓名", accessor="user.get_full_name"),
        Column("root", label="监督范围"),
        DateColumn("created_at", label="创建时间"),
    ]
    search_fields = ["user__username", "user__first_name", "user__last_name", "root__title"]
    ordering = ["root__path", "user__username"]

    def get_form_class(self, for_update=False):
        return SupervisorReachForm


class RolesViewSetGroup(ViewSetGroup):
    menu_label = "组织与角色"
    menu_icon = "group"
    menu_order = 250
    items = (UnitMembershipViewSet("unit_memberships"), SupervisorReachViewSet("supervisor_reaches"))
