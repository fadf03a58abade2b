"""Who uses the console and the call log: the 坐席员 group (its permission callcentre.use_console),
and superusers. One rule, asked by the console's views, the menu and (through the permission
policy registered in CallcentreConfig.ready) every view of the call log."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.permission_policies import ModelPermissionPolicy

OPERATOR_GROUP = "坐席员"
CONSOLE_PERMISSION = "callcentre.use_console"
ACTIONS = frozenset({"add", "change", "delete", "view", "export"})


def can_use_console(user) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or user.has_perm(CONSOLE_PERMISSION)


class CallRecordPermissionPolicy(ModelPermissionPolicy):
    """Operators keep the call log together: each may list, add, edit and delete any record."""

    def user_has_permission(self, user, action):
        return action in ACTIONS and can_use_console(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def instances_user_has_any_permission_for(self, user, actions):
        manager = self.model._default_manager
        return manager.all() if self.user_has_any_permission(user, actions) else manager.none()

    def users_with_any_permission(self, actions, include_superusers=True):
        User = get_user_model()
        if not set(actions) & ACTIONS:
            return User._default_manager.none()
        app_label, codename = CONSOLE_PERMISSION.split(".")
        granted = Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label) | Q(
            user_permissions__codename=codename, user_permissions__content_type__app_label=app_label
        )
        if include_superusers:
            granted |= Q(is_superuser=True)
        return User._default_manager.filter(granted, is_active=True).distinct()
