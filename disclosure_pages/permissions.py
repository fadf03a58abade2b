"""Roles → page permissions, without one Wagtail group per unit.

A user's rights in the admin come from two tables, not from Wagtail groups:

- UnitMembership (user, unit, role): an editor (录入人) adds items under the unit's
  三级 catalogue nodes and edits and deletes the unit's draft items; a reviewer (审核人)
  and a leader (审批人) see the unit in the explorer and act on its items through the
  workflow tasks (disclosure_pages.workflow); members and committee members read on
  the public site only.
- SupervisorReach (user, root): a supervisor (各级组织部门) sees the whole subtree in
  the explorer and may revoke (撤消) published items there — and nowhere else.

Wagtail asks a page permission *policy* (wagtail.permissions.policy_registry) which
pages a user may explore and act on, and a PagePermissionTester what they may do with
one page. `MembershipPagePermissionPolicy` adds the memberships to the group-based
answers and `UnitPagePermissionTester` (returned by the page models'
`permissions_for_user`) does the same per page. Groups still work for site managers.

Documents follow the same memberships: each unit has its own collection, and
`UnitDocumentPermissionPolicy` lets a unit's editors upload, choose and edit there only.
`can_see` / `can_change` (with `unit_scope_q` for querysets) answer per object for pages,
documents, memberships, archive records and approval forms, requests and feedback: the one
question every admin view of ours asks.

Why not one group per unit: Wagtail's explorer builds one OR clause per group page
permission, so with a province's thousands of units every admin request slows down
(wagtail#14593); a user's memberships are a handful of rows, whatever the size of the
tree. Every unit user gets admin access through ONE shared group, UNIT_USERS_GROUP.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from wagtail.models import Collection, Page, PagePermissionTester
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permission_policies.collections import CollectionOwnershipPermissionPolicy
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import policy_registry

from .choices import Role

STEPLEN = Page.steplen
UNIT_USERS_GROUP = "单位用户"
# The unit's staff (录入人, 审核人, 审批人, 保密审查人): they work in the admin for their unit. Written
# here only; archive, deadlines, participation and review import it.
STAFF_ROLES = (Role.EDITOR, Role.REVIEWER, Role.LEADER, Role.SECRECY)
# The set Wagtail asks for "may this user use the page explorer at all"
# (wagtail.admin.auth.user_has_any_page_permission, the explorer's IndexView).
EXPLORE_ACTIONS = frozenset({"add", "change", "publish", "bulk_delete", "lock", "unlock"})
_CACHE_ATTR = "_disclosure_roles"
_APPROVING_ATTR = "_disclosure_approving_page_id"


@dataclass
class UserRoles:
    """What one user is, in the organisation tree: (unit path, role) pairs and reach roots."""

    units: list[tuple[str, str]] = field(default_factory=list)
    reaches: list[str] = field(default_factory=list)

    def unit_paths(self, *roles: str) -> list[str]:
        return [path for path, role in self.units if role in roles]

    def has_role_over(self, path: str, *roles: str) -> bool:
        """Does the user hold one of `roles` in a unit that contains the page at `path`?"""
        return any(path.startswith(unit_path) for unit_path in self.unit_paths(*roles))

    def supervises(self, path: str) -> bool:
        return any(path.startswith(root) for root in self.reaches)

    @property
    def admin_roots(self) -> list[str]:
        """Subtrees this user works in through the admin: units with a staff role, and reaches."""
        return sorted(set(self.unit_paths(*STAFF_ROLES)) | set(self.reaches))

    @property
    def is_unit_staff(self) -> bool:
        return bool(self.admin_roots)


def roles_for(user) -> UserRoles:
    """The user's memberships and reaches, read once per request (cached on the user object)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return UserRoles()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from .models import SupervisorReach, UnitMembership

    roles = UserRoles(
        units=list(UnitMembership.objects.filter(user=user).values_list("unit__path", "role")),
        reaches=list(SupervisorReach.objects.filter(user=user).values_list("root__path", flat=True)),
    )
    setattr(user, _CACHE_ATTR, roles)
    return roles


# Who reads the 委员 items of a unit besides its committee members: its reviewer and leader.
COMMITTEE_ROLES = frozenset({Role.COMMITTEE, Role.REVIEWER, Role.LEADER})


@dataclass(frozen=True)
class ReadGrant:
    """Items of these scopes in the subtree at `path` (a unit, or a supervisor's reach)."""

    scopes: frozenset[str]
    path: str


@dataclass(frozen=True)
class ReadableScopes:
    """What one user may read on the public site, beyond the public (社会) items everyone reads:
    the (scopes, subtree) grants, or everything (superusers). Read surfaces turn it into a query
    (``disclosure_pages.selectors.visible_items``, the search index's visibility filter)."""

    everything: bool = False
    grants: tuple[ReadGrant, ...] = ()

    def allows(self, scope: str, path: str) -> bool:
        from .choices import Scope

        if self.everything or scope == Scope.PUBLIC:
            return True
        return any(scope in grant.scopes and path.startswith(grant.path) for grant in self.grants)


def readable_scopes(user) -> ReadableScopes:
    """The one rule of DESIGN.md "Scope decides who may see": 党内 items for every member of the
    unit (whatever the role), 委员 items for its committee members, reviewer and leader, every
    scope for a supervisor inside their reach, everything for a superuser."""
    from .choices import Scope

    if not _active(user):
        return ReadableScopes()
    if user.is_superuser:
        return ReadableScopes(everything=True)
    roles = roles_for(user)
    party, committee = frozenset({Scope.PARTY}), frozenset({Scope.PARTY, Scope.COMMITTEE})
    grants: dict[str, frozenset[str]] = {}
    for unit_path, role in roles.units:
        grants[unit_path] = grants.get(unit_path, frozenset()) | (committee if role in COMMITTEE_ROLES else party)
    for root in roles.reaches:
        grants[root] = frozenset(Scope.values)
    for unit_path, scopes in monitor_grants(user):
        grants[unit_path] = grants.get(unit_path, frozenset()) | scopes
    return ReadableScopes(grants=tuple(ReadGrant(scopes, path) for path, scopes in sorted(grants.items())))


_MONITOR_ATTR = "_disclosure_monitor_grants"


def monitor_grants(user) -> list[tuple[str, frozenset[str]]]:
    """党务公开监督员: during their term, the account reads its unit's items of the scopes granted
    (supervision.DisclosureMonitor). Read once per request, like roles_for; the model is looked up
    by label so that this module imports no other app."""
    from django.apps import apps
    from django.utils import timezone

    from .choices import Scope

    cached = getattr(user, _MONITOR_ATTR, None)
    if cached is not None:
        return cached
    today = timezone.localdate()
    rows = (
        apps.get_model("supervision", "DisclosureMonitor")
        .objects.filter(user=user, term_starts__lte=today, term_ends__gte=today, unit__live=True)
        .values_list("unit__path", "reads_party", "reads_committee")
    )
    cached = []
    for unit_path, party, committee in rows:
        scopes = frozenset(scope for scope, granted in ((Scope.PARTY, party), (Scope.COMMITTEE, committee)) if granted)
        if scopes:
            cached.append((unit_path, scopes))
    setattr(user, _MONITOR_ATTR, cached)
    return cached


def forget_roles(user) -> None:
    """Drop the cached roles (after a membership of this very user object changed)."""
    for attr in (_CACHE_ATTR, _MONITOR_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


def editor_actions_at(page, unit_path: str) -> set[str]:
    """Page actions an editor of the unit at `unit_path` has on `page` ("add", "change", "delete").

    Editors add items under their unit's 三级 catalogue nodes and edit/delete their unit's
    items; they never edit the unit page or its catalogue (that is catalogue management).
    The depth below the unit tells the node's level without loading the specific page.
    """
    from .models import CatalogNodePage, DisclosureItemPage

    model = page.specific_class
    if model is None or not page.path.startswith(unit_path):
        return set()
    below_unit = page.depth - len(unit_path) // STEPLEN
    if below_unit == 3 and issubclass(model, CatalogNodePage):
        return {"add"}
    if below_unit == 4 and issubclass(model, DisclosureItemPage):
        return {"change", "delete"}
    return set()


def membership_actions(user, page) -> set[str]:
    """What the user's editor memberships grant on `page`."""
    actions: set[str] = set()
    for unit_path in roles_for(user).unit_paths(Role.EDITOR):
        actions |= editor_actions_at(page, unit_path)
    return actions


@contextmanager
def approval_publishes(user, page) -> Iterator[None]:
    """While `user`'s workflow approval finishes the workflow on `page`, they may publish it.

    Wagtail publishes the approved revision as the last approver and checks *their* publish
    permission (wagtail.workflows.publish_workflow_state). Reviewers and leaders hold no
    publish permission — the completed workflow is the authority — so the right exists only
    for the duration of the approval call, for that page.
    """
    previous = getattr(user, _APPROVING_ATTR, None)
    setattr(user, _APPROVING_ATTR, page.pk)
    try:
        yield
    finally:
        setattr(user, _APPROVING_ATTR, previous)


def can_revoke(user, item) -> bool:
    """Supervisors whose reach covers the item (and superusers) may revoke it (撤消)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or roles_for(user).supervises(item.path)


def can_withdraw(user, item) -> bool:
    """变更/撤销/终止 of a published item, with the approval of the body that made the unit's catalogue:
    the unit's 主要负责人 (where the unit's own party organisation made it, as the 龙口市科技局党支部
    did) or a supervisor whose reach covers the unit. A request from the unit's editor that must wait
    for a superior's consent goes through a filing (报批), which calls withdrawals.item_withdraw."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    roles = roles_for(user)
    return roles.supervises(item.path) or roles.has_role_over(item.path, Role.LEADER)


def can_correct(user, item) -> bool:
    """更正: the unit's editors start a correction draft (it then goes through the review workflow)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or roles_for(user).has_role_over(item.path, Role.EDITOR)


def can_view_history(user, item) -> bool:
    """The item's timeline: its supervisors, its unit's staff, superusers."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    roles = roles_for(user)
    return roles.supervises(item.path) or roles.has_role_over(item.path, *STAFF_ROLES)


def _common_prefix(paths: list[str]) -> str:
    """The path of the deepest page that is an ancestor-or-self of every path."""
    prefix = paths[0]
    for path in paths[1:]:
        n = 0
        while n < min(len(prefix), len(path)) and prefix[n : n + STEPLEN] == path[n : n + STEPLEN]:
            n += STEPLEN
        prefix = prefix[:n]
    return prefix


class MembershipPagePermissionPolicy(PagePermissionPolicy):
    """Wagtail's group-based page policy, plus unit memberships and supervisor reaches."""

    def _inactive(self, user) -> bool:
        return not user.is_active or user.is_anonymous

    def user_has_any_permission(self, user, actions):
        if super().user_has_any_permission(user, actions):
            return True
        if self._inactive(user):
            return False
        roles = roles_for(user)
        actions = set(actions)
        if roles.unit_paths(Role.EDITOR) and actions & {"add", "change"}:
            return True
        # Reviewers, leaders and supervisors hold no page permission of their own, but they
        # work in the explorer: answer Wagtail's "may use the explorer" question with yes.
        return roles.is_unit_staff and EXPLORE_ACTIONS <= actions

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if super().user_has_any_permission_for_instance(user, actions, instance):
            return True
        if self._inactive(user) or not isinstance(instance, Page):
            return False
        return bool(set(actions) & membership_actions(user, instance))

    def _membership_instances(self, user, actions) -> QuerySet:
        from .models import CatalogNodePage, DisclosureItemPage

        pages = self.model._default_manager.none()
        actions = set(actions)
        for unit_path in roles_for(user).unit_paths(Role.EDITOR):
            depth = len(unit_path) // STEPLEN
            under = self.model._default_manager.filter(path__startswith=unit_path)
            if actions & {"change", "delete"}:
                pages |= under.type(DisclosureItemPage).filter(depth=depth + 4)
            if "add" in actions:
                pages |= under.type(CatalogNodePage).filter(depth=depth + 3)
        return pages

    def instances_user_has_any_permission_for(self, user, actions):
        pages = super().instances_user_has_any_permission_for(user, actions)
        if self._base_queryset_for_user(user) is not None:
            return pages
        return pages | self._membership_instances(user, actions)

    def _editors_of(self, instance, actions) -> list[int]:
        from .models import UnitMembership

        prefixes = [instance.path[:n] for n in range(STEPLEN, len(instance.path) + 1, STEPLEN)]
        memberships = UnitMembership.objects.filter(role=Role.EDITOR, unit__path__in=prefixes)
        return [
            user_id
            for user_id, unit_path in memberships.values_list("user_id", "unit__path")
            if set(actions) & editor_actions_at(instance, unit_path)
        ]

    def users_with_any_permission_for_instance(self, actions, instance, include_superusers=True):
        users = super().users_with_any_permission_for_instance(actions, instance, include_superusers)
        editors = self._editors_of(instance, actions)
        User = get_user_model()
        return User._default_manager.filter(Q(pk__in=users.values("pk")) | Q(pk__in=editors, is_active=True))

    def users_with_any_permission(self, actions, include_superusers=True):
        from .models import UnitMembership

        users = super().users_with_any_permission(actions, include_superusers)
        if not set(actions) & {"add", "change"}:
            return users
        User = get_user_model()
        editor_ids = UnitMembership.objects.filter(role=Role.EDITOR).values("user_id")
        return User._default_manager.filter(Q(pk__in=users.values("pk")) | Q(pk__in=editor_ids, is_active=True))

    def instances_with_direct_explore_permission(self, user):
        pages = super().instances_with_direct_explore_permission(user)
        if user.is_superuser or self._inactive(user):
            return pages
        roots = roles_for(user).admin_roots
        if not roots:
            return pages
        return list(pages) + list(self.model.base_page_model.objects.filter(path__in=roots))

    def explorable_instances(self, user):
        base = self._base_queryset_for_user(user)
        if base is not None:
            return base
        roots = roles_for(user).admin_roots
        if not roots:
            return super().explorable_instances(user)
        # Each root's subtree plus the root's ancestors (to navigate down to it), nothing else:
        # an editor of one unit among thousands sees one unit, not the province.
        q = Q()
        ancestors: set[str] = set()
        for path in roots:
            q |= Q(path__startswith=path)
            ancestors.update(path[:n] for n in range(STEPLEN, len(path), STEPLEN))
        q |= Q(path__in=ancestors)
        group_pages = [perm.page for perm in self.get_cached_permissions_for_user(user)]
        top = _common_prefix(roots + [page.path for page in group_pages])
        pages = self.model._default_manager.filter(q)
        if group_pages:
            pages = pages | super().explorable_instances(user)
        return pages.filter(path__startswith=top)


class UnitPagePermissionTester(PagePermissionTester):
    """Wagtail's tester (groups, workflow tasks), plus what a unit editor's membership grants."""

    def __init__(self, user, page):
        super().__init__(user, page)
        self.unit_actions = (
            membership_actions(user, page) if user.is_active and not user.is_superuser else set()
        )

    def can_add_subpage(self):
        if super().can_add_subpage():
            return True
        if "add" not in self.unit_actions:
            return False
        from .models import DisclosureItemPage

        return DisclosureItemPage.can_create_at(self.page)

    def can_edit(self):
        if super().can_edit():
            return True
        return self.user.is_active and not self.page_is_root and "change" in self.unit_actions

    def can_delete(self, ignore_bulk=False):
        if super().can_delete(ignore_bulk=ignore_bulk):
            return True
        # An editor deletes only drafts that were never published: what was published
        # stays, to be revoked by a supervisor, so the archive and history keep it.
        return "delete" in self.unit_actions and not self.page.live and self.page.first_published_at is None

    def can_publish(self):
        if super().can_publish():
            return True
        return not self.page_is_root and getattr(self.user, _APPROVING_ATTR, None) == self.page.pk

    def can_submit_for_moderation(self):
        if not getattr(self.page.specific_class, "workflow_moderated", False):
            return False
        return super().can_submit_for_moderation()


_TESTERS_ATTR = "_disclosure_permission_testers"


def _tester_key(user, page) -> tuple:
    """What a tester's answers were computed from: if any of it changed, a new tester is made."""
    return (
        user.is_active,
        user.is_superuser,
        id(roles_for(user)),
        id(getattr(user, MembershipPagePermissionPolicy.permission_cache_name, None)),
        page.path,
    )


class UnitPermissionsMixin:
    """Page models whose admin permissions follow unit memberships and supervisor reaches."""

    workflow_moderated = False

    def permissions_for_user(self, user):
        """One tester per page instance and user object, i.e. per request.

        Wagtail's explorer asks about ten times per listed page (the title, each listing button's
        is_shown), and each new tester walks the user's group permissions and memberships again:
        a 50-unit listing made 512 testers, now 51. The tester is remade whenever what it was computed
        from changed (the page's path, the user's roles or group-permission cache, is_active,
        is_superuser); Wagtail's `specific` copies instance attributes to the specific page, so a
        cached tester counts only for the very instance it was made for.
        """
        cache = self.__dict__.get(_TESTERS_ATTR)
        if cache is None or cache[0] is not self:
            cache = (self, {})
            self.__dict__[_TESTERS_ATTR] = cache
        key = _tester_key(user, self)
        entry = cache[1].get(id(user))
        if entry is not None and entry[0] is user and entry[1] == key:
            return entry[2]
        tester = UnitPagePermissionTester(user, self)
        # the key after the tester was made: making it may have filled the caches it names
        cache[1][id(user)] = (user, _tester_key(user, self), tester)
        return tester


def unit_users():
    """Users who need the admin: staff roles in a unit, or a supervisor's reach."""
    from .models import SupervisorReach, UnitMembership

    User = get_user_model()
    return User._default_manager.filter(
        Q(pk__in=UnitMembership.objects.filter(role__in=STAFF_ROLES).values("user_id"))
        | Q(pk__in=SupervisorReach.objects.values("user_id"))
    )


CRUD = {"add", "change", "delete", "view"}


class ReachMembershipPermissionPolicy(ModelPermissionPolicy):
    """Model permissions as usual, plus: supervisors manage memberships inside their reach."""

    def _reaches(self, user) -> list[str]:
        if not user.is_active or user.is_anonymous:
            return []
        return roles_for(user).reaches

    def user_has_permission(self, user, action):
        return super().user_has_permission(user, action) or (action in CRUD and bool(self._reaches(user)))

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        if super().user_has_permission(user, action):
            return True
        return action in CRUD and any(instance.unit.path.startswith(root) for root in self._reaches(user))

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(self.user_has_permission_for_instance(user, action, instance) for action in actions)

    def instances_user_has_any_permission_for(self, user, actions):
        if super().user_has_any_permission(user, actions):
            return self.model._default_manager.all()
        return self.model._default_manager.filter(reach_q(self._reaches(user)) if set(actions) & CRUD else Q(pk__in=[]))


def reach_q(roots: list[str]) -> Q:
    q = Q(pk__in=[])
    for root in roots:
        q |= Q(unit__path__startswith=root)
    return q


# --- documents: each unit has its own collection (disclosure_pages.documents) ------------------------

UNIT_DOCUMENT_ACTIONS = frozenset({"add", "choose", "change"})
_DOC_COLLECTIONS_ATTR = "_disclosure_document_collections"


def editor_collection_ids(user) -> list[int]:
    """The collections of the units where `user` is an editor (录入人): they upload, choose and edit there."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, _DOC_COLLECTIONS_ATTR, None)
    if cached is None:
        from .models import UnitPage

        paths = roles_for(user).unit_paths(Role.EDITOR)
        cached = list(
            UnitPage.objects.filter(path__in=paths, collection__isnull=False).values_list("collection_id", flat=True)
        )
        setattr(user, _DOC_COLLECTIONS_ATTR, cached)
    return cached


class UnitDocumentPermissionPolicy(CollectionOwnershipPermissionPolicy):
    """Wagtail's collection-ownership policy for documents, plus unit memberships.

    Group collection permissions still work (site managers); on top of them, a unit's editors
    may add, choose and change documents in their unit's collection, and nowhere else: the
    chooser, the document listing, the admin API and the upload form all ask this policy.
    Nobody, superusers included, deletes a document that an item attaches (documents.document_in_use):
    what was published and archived is never lost, and a draft's attachment is protected by its
    foreign key (deleting it would fail with ProtectedError).
    """

    def __init__(self):
        from wagtail.documents import get_document_model_string

        super().__init__(get_document_model_string(), auth_model="wagtaildocs.Document", owner_field_name="uploaded_by_user")

    def _unit_collections(self, user, actions) -> list[int]:
        return editor_collection_ids(user) if set(actions) & UNIT_DOCUMENT_ACTIONS else []

    def _check_perm(self, user, actions, collection=None):
        if super()._check_perm(user, actions, collection=collection):
            return True
        ids = self._unit_collections(user, actions)
        return bool(ids) if collection is None else collection.pk in ids

    def _collections_with_perm(self, user, actions):
        collections = super()._collections_with_perm(user, actions)
        ids = self._unit_collections(user, actions)
        return collections | Collection.objects.filter(pk__in=ids) if ids else collections

    def user_has_any_permission_for_instance(self, user, actions, instance):
        from .documents import document_in_use

        actions = set(actions)
        if "delete" in actions and document_in_use(instance):
            actions.discard("delete")
            if not actions:
                return False
        return super().user_has_any_permission_for_instance(user, actions, instance)

    def users_with_any_permission_for_instance(self, actions, instance):
        users = super().users_with_any_permission_for_instance(actions, instance)
        if not set(actions) & (UNIT_DOCUMENT_ACTIONS | {"delete"}):
            return users
        from .models import UnitMembership

        editors = UnitMembership.objects.filter(role=Role.EDITOR, unit__collection_id=instance.collection_id)
        User = get_user_model()
        return User._default_manager.filter(Q(pk__in=users.values("pk")) | Q(pk__in=editors.values("user_id"), is_active=True))


# --- one answer per object: may this user see / change it? -----------------------------------------
#
# Pages, documents, memberships, archive records and approval forms, on-request disclosure requests
# and feedback: every admin view of ours asks can_see / can_change (and the querysets of the same
# rule come from unit_scope_q). Objects of other apps are named by model label, so that this module
# imports none of them.

HANDLERS = frozenset({*STAFF_ROLES, "supervisor"})
ARCHIVIST_PERMISSION = "archive.view_archiverecord"


def _active(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def unit_roles_at(user, path: str) -> set[str]:
    """What `user` is for the page at `path`: the roles held in a unit containing it, and
    "supervisor" when a reach covers it."""
    roles = roles_for(user)
    held = {role for unit_path, role in roles.units if path.startswith(unit_path)}
    if roles.supervises(path):
        held.add("supervisor")
    return held


def unit_scope_q(user, field: str, roles=HANDLERS) -> Q | None:
    """Q over the unit FK `field` for rows `user` may handle with `roles`; None means all (superuser)."""
    if not _active(user):
        return Q(pk__in=[])
    if user.is_superuser:
        return None
    mine = roles_for(user)
    q = Q(**{f"{field}__path__in": [path for path, role in mine.units if role in roles]}) if set(roles) - {"supervisor"} else Q(pk__in=[])
    if "supervisor" in roles:
        for root in mine.reaches:
            q |= Q(**{f"{field}__path__startswith": root})
    return q


def _unit_path(obj) -> str:
    unit_id = getattr(obj, "unit_id", None)
    if unit_id is None:
        return ""
    from .models import UnitPage

    return UnitPage.objects.filter(pk=unit_id).values_list("path", flat=True).first() or ""


def _item_path(obj) -> str:
    from .models import DisclosureItemPage

    return DisclosureItemPage.objects.filter(pk=obj.item_id).values_list("path", flat=True).first() or ""


def _superior_path(obj) -> str:
    return Page.objects.filter(pk=obj.superior_id).values_list("path", flat=True).first() or ""


def _target_path(obj) -> str:
    return Page.objects.filter(pk=obj.target_id).values_list("path", flat=True).first() or ""


def _subject_path(obj) -> str:
    return Page.objects.filter(pk=obj.subject_id).values_list("path", flat=True).first() or ""


def _inspection_target_path(obj) -> str:
    return Page.objects.filter(pk=obj.inspection.target_id).values_list("path", flat=True).first() or ""


def _region_path(obj) -> str:
    return Page.objects.filter(pk=obj.region_id).values_list("path", flat=True).first() or ""


@dataclass(frozen=True)
class ObjectRule:
    path: object  # callable: obj -> the path of the page whose unit scopes it
    see: frozenset
    change: frozenset
    model_permission: str = ""  # a Django permission that grants seeing all of them (archivists)
    change_path: object = None  # callable: obj -> the path whose roles may change it, when not `path`


OBJECT_RULES: dict[str, ObjectRule] = {
    "participation.disclosurerequest": ObjectRule(_unit_path, HANDLERS, HANDLERS),
    "participation.feedback": ObjectRule(_unit_path, HANDLERS, HANDLERS),
    "archive.archiverecord": ObjectRule(_unit_path, frozenset({"supervisor"}), frozenset(), ARCHIVIST_PERMISSION),
    "review.approvalform": ObjectRule(_item_path, HANDLERS, frozenset(), ARCHIVIST_PERMISSION),
    # 报备/报批: the unit's staff and its supervisors see them; only a supervisor whose reach covers
    # the superior body (the region that made the unit's catalogue) decides.
    "review.filing": ObjectRule(_unit_path, HANDLERS, frozenset({"supervisor"}), change_path=_superior_path),
    # 党员评议: the period is the superior's: supervisors whose reach covers its unit or region.
    "supervision.evaluationperiod": ObjectRule(_target_path, frozenset({"supervisor"}), frozenset({"supervisor"})),
    # 年度报告: drafts are the superior's (a reach over its region or unit); a published one is public
    # (supervision.annualreport_views asks report.is_published before this rule).
    "supervision.annualreport": ObjectRule(_subject_path, frozenset({"supervisor"}), frozenset({"supervisor"})),
    # 党务公开监督员: appointed by the superior (a supervisor whose reach covers the unit); the unit's
    # staff see who watches them. 监督意见: the unit's staff answer them, its supervisors see them.
    "supervision.disclosuremonitor": ObjectRule(_unit_path, HANDLERS, frozenset({"supervisor"})),
    "supervision.monitoropinion": ObjectRule(_unit_path, HANDLERS, frozenset({Role.EDITOR, Role.REVIEWER, Role.LEADER})),
    # 监督检查: the superior's (reach over its target); a unit's staff see their own unit's findings and 整改
    # and answer the 整改 (can_answer_rectification); only a supervisor records, confirms or returns.
    "supervision.inspection": ObjectRule(_target_path, frozenset({"supervisor"}), frozenset({"supervisor"})),
    "supervision.finding": ObjectRule(_unit_path, HANDLERS, frozenset({"supervisor"})),
    "supervision.rectification": ObjectRule(_unit_path, HANDLERS, frozenset({"supervisor"})),
    # 通报: drafted and approved by supervisors over the inspection's target (can_review_bulletin: not the drafter).
    "supervision.bulletin": ObjectRule(_inspection_target_path, frozenset({"supervisor"}), frozenset({"supervisor"})),

    # 量化考核: the scheme and its ranking are the superior's: supervisors whose reach covers its region.
    "supervision.assessmentscheme": ObjectRule(_region_path, frozenset({"supervisor"}), frozenset({"supervisor"})),
}


def can_answer_rectification(user, rectification) -> bool:
    """整改 is the unit's to report on: its staff (录入人, 审核人, 审批人, 保密审查人), while it is open."""
    if not _active(user) or rectification.state != "open":
        return False
    return bool(unit_roles_at(user, _unit_path(rectification)) & set(STAFF_ROLES))


def can_review_bulletin(user, bulletin) -> bool:
    """A 通报 is approved by a second supervisor over the same reach: never by the one who drafted it."""
    return can_change(user, bulletin) and bulletin.drafted_by_id != user.pk


# --- 党员评议: who rates, who opens, who reads the results -------------------------------------------

# The unit's party members: 党员, and 委员 (committee members are party members too). The unit's staff
# roles do not rate: their own work is what is rated.
PARTY_MEMBER_ROLES = frozenset({Role.MEMBER, Role.COMMITTEE})


def is_party_member(user, unit) -> bool:
    """A party member of this very unit (not of a unit below or above it)."""
    if not _active(user):
        return False
    return any(path == unit.path and role in PARTY_MEMBER_ROLES for path, role in roles_for(user).units)


def party_member_unit_paths(user) -> list[str]:
    if not _active(user):
        return []
    return sorted({path for path, role in roles_for(user).units if role in PARTY_MEMBER_ROLES})


def member_unit_paths(user) -> list[str]:
    """Units where `user` holds any membership (党员, 委员, staff): the unit's members."""
    if not _active(user):
        return []
    return sorted({path for path, _ in roles_for(user).units})


def can_open_evaluation(user, target) -> bool:
    """The superior opens a 党员评议 of a unit or region: a supervisor whose reach covers it (or a superuser)."""
    if not _active(user):
        return False
    return user.is_superuser or roles_for(user).supervises(target.path)


def can_read_evaluation_results(user, unit) -> bool:
    """Results of a unit's 党员评议 are for the unit's members and its superiors, never the public."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    roles = roles_for(user)
    return roles.supervises(unit.path) or unit.path in member_unit_paths(user)


def _page_explorable(user, page) -> bool:
    policy = policy_registry.get_by_type(Page)
    return policy.explorable_instances(user).filter(pk=page.pk).exists()


def can_see(user, obj) -> bool:
    """May `user` see `obj` in the admin (or, for an item, on the site)?"""
    if not _active(user):
        if isinstance(obj, Page):
            from .selectors import can_view_item, is_item_page

            return is_item_page(obj) and can_view_item(user, obj.specific)
        return False
    if user.is_superuser:
        return True
    if isinstance(obj, Page):
        from .selectors import can_view_item, is_item_page

        return _page_explorable(user, obj) or (is_item_page(obj) and can_view_item(user, obj.specific))
    label = obj._meta.label_lower
    if label == "wagtaildocs.document":
        from .documents import document_unit, may_read_file

        policy = policy_registry.get_by_type(type(obj))
        if policy.user_has_any_permission_for_instance(user, ["choose", "change"], obj):
            return True
        unit = document_unit(obj)
        return (unit is not None and roles_for(user).supervises(unit.path)) or may_read_file(user, obj)
    if label == "disclosure_pages.unitmembership":
        return policy_registry.get(obj).user_has_permission_for_instance(user, "view", obj)
    if label == "disclosure_pages.supervisorreach":
        return user.has_perm("disclosure_pages.view_supervisorreach")
    rule = OBJECT_RULES.get(label)
    if rule is None:
        return False
    if rule.model_permission and user.has_perm(rule.model_permission):
        return True
    return bool(unit_roles_at(user, rule.path(obj)) & rule.see)


def can_change(user, obj) -> bool:
    """May `user` change `obj` (edit, delete, act on it)?"""
    if not _active(user):
        return False
    if isinstance(obj, Page):
        return obj.permissions_for_user(user).can_edit()
    label = obj._meta.label_lower
    if label == "wagtaildocs.document":
        return policy_registry.get_by_type(type(obj)).user_has_permission_for_instance(user, "change", obj)
    if label == "disclosure_pages.unitmembership":
        return policy_registry.get(obj).user_has_permission_for_instance(user, "change", obj)
    if label == "disclosure_pages.supervisorreach":
        return user.has_perm("disclosure_pages.change_supervisorreach")
    rule = OBJECT_RULES.get(label)
    if rule is None:
        return False
    if user.is_superuser:
        return bool(rule.change) or False
    return bool(unit_roles_at(user, (rule.change_path or rule.path)(obj)) & rule.change)
