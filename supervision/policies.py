"""The permission policy of the superior's admin screens (党员评议, 监督员, 监督检查, 量化考核).

Supervisors (a reach) and superusers may use them; what each may do to one object is the project's one
policy (`disclosure_pages.permissions.can_see` / `can_change`), asked by the subclass's
`user_has_permission_for_instance`; listings hold what `supervised(user)` returns."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from wagtail.permission_policies import ModelPermissionPolicy

from disclosure_pages.permissions import roles_for


def is_supervisor(user) -> bool:
    """An active supervisor (a reach over some region or unit) or a superuser."""
    return user.is_active and user.is_authenticated and (user.is_superuser or bool(roles_for(user).reaches))


class SupervisorPermissionPolicy(ModelPermissionPolicy):
    actions = frozenset({"add", "change", "delete", "view"})

    def supervised(self, user) -> QuerySet:
        """The objects whose region or unit the user's reach covers."""
        raise NotImplementedError

    def user_has_permission(self, user, action):
        return action in self.actions and is_supervisor(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(self.user_has_permission_for_instance(user, action, instance) for action in actions)

    def instances_user_has_any_permission_for(self, user, actions):
        if not (set(actions) & self.actions and is_supervisor(user)):
            return self.model.objects.none()
        return self.supervised(user)

    def users_with_any_permission(self, actions, include_superusers=True):
        return get_user_model()._default_manager.none()
