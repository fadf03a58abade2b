from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.documents import get_document_model
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images import get_image_model
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.models import Page
from wagtail.permissions import policy_registry

from .actions import CORRECT_LOG_ACTION, REVOKE_LOG_ACTION, WITHDRAW_LOG_ACTION
from .admin_listing import ExplorerPageViewSet
from .documents import inline_safe, may_read_file
from .params import parse_id
from .permissions import can_correct, can_revoke, can_view_history, can_withdraw
from .selectors import is_item_page, public_items
from .services import IMPORT_LOG_ACTION, INTERPRETATION_LOG_ACTION
from .views import ItemCompareView, ItemCorrectView, ItemHistoryView, ItemRevokeView, ItemWithdrawView
from .viewsets import RolesViewSetGroup


@hooks.register("register_log_actions")
def register_import_action(actions):
    actions.register_action(IMPORT_LOG_ACTION, "历史导入并发布", "历史导入并发布")
    actions.register_action(INTERPRETATION_LOG_ACTION, "随文件同步发布", "政策解读随文件同步发布")


@hooks.register("before_serve_document")
def guard_documents(document, request):
    """A document is served only as a 主动公开 attachment of an item of its OWN unit that the user
    may see (or edit); an item elsewhere that points at it gives nothing (documents.may_read_file).

    What is served inline is decided by a real parse (documents.inline_safe); anything else goes
    through Wagtail's own view as a download (WAGTAILDOCS_INLINE_CONTENT_TYPES is empty), and
    both send X-Content-Type-Options: nosniff and a Content-Security-Policy of default-src 'none'.
    """
    if not may_read_file(request.user, document):
        raise Http404
    content_type = inline_safe(document)
    if content_type is None:
        return None
    # Wagtail takes only an HttpResponse from this hook (not a streaming one); inline files are
    # PDFs and images under the 20 MB upload limit, read once more after their parse was cached.
    with document.open_file() as handle:
        response = HttpResponse(handle.read(), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(False, document.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


class UnitDocumentsAdminAPIViewSet(DocumentsAdminAPIViewSet):
    """/admin/api/main/documents/ lists only what the document policy lets the user choose or edit
    (Wagtail's own endpoint lists every collection's documents to any admin user)."""

    def get_queryset(self):
        policy = policy_registry.get_by_type(get_document_model())
        allowed = policy.instances_user_has_any_permission_for(self.request.user, ["choose", "change"])
        return super().get_queryset().filter(pk__in=allowed.values("pk"))


class UnitImagesAdminAPIViewSet(ImagesAdminAPIViewSet):
    """/admin/api/main/images/ likewise: Wagtail's own endpoint lists every collection's images
    (titles and file URLs) to any admin user, whatever the image listing and chooser show."""

    def get_queryset(self):
        policy = policy_registry.get_by_type(get_image_model())
        allowed = policy.instances_user_has_any_permission_for(self.request.user, ["choose", "change"])
        return super().get_queryset().filter(pk__in=allowed.values("pk"))


@hooks.register("construct_admin_api", order=100)
def scoped_documents_admin_api(router):
    router.register_endpoint("documents", UnitDocumentsAdminAPIViewSet)
    router.register_endpoint("images", UnitImagesAdminAPIViewSet)


class ScopedBulkActionMixin:
    """Bulk-action views name only objects the user may see: the rest are left out as if absent
    (Wagtail lists every id it is given, with its title, under "no permission")."""

    def visible_pks(self, objects) -> set:
        user = self.request.user
        pks = [obj.pk for obj in objects]
        if user.is_superuser or not pks:
            return set(pks)
        if issubclass(self.model, Page):
            visible = policy_registry.get_by_type(Page).explorable_instances(user)
        else:
            policy = policy_registry.get_by_type(self.model)
            visible = policy.instances_user_has_any_permission_for(user, ["change", "delete", "choose"])
        return set(visible.filter(pk__in=pks).values_list("pk", flat=True))

    def get_actionable_objects(self):
        # Wagtail passes ?id= to the database unchecked: a 20-digit id overflows the integer column (a 500).
        ids = [value for value in self.request.GET.getlist("id") if value != "all"]
        if any(parse_id(value) is None for value in ids):
            raise Http404
        objects, extra = super().get_actionable_objects()
        hidden = extra.get("items_with_no_access", [])
        visible = self.visible_pks(list(objects) + list(hidden))
        objects = [obj for obj in objects if obj.pk in visible]
        hidden = [obj for obj in hidden if obj.pk in visible]
        if not objects and not hidden:
            raise Http404
        return objects, {**extra, "items_with_no_access": hidden}


def _scoped(action_class):
    return type(action_class.__name__, (ScopedBulkActionMixin, action_class), {"__module__": __name__})


def _register_scoped_bulk_actions():
    from wagtail.admin.views.pages.bulk_actions.delete import DeleteBulkAction as PageDelete
    from wagtail.admin.views.pages.bulk_actions.move import MoveBulkAction as PageMove
    from wagtail.admin.views.pages.bulk_actions.publish import PublishBulkAction as PagePublish
    from wagtail.admin.views.pages.bulk_actions.unpublish import UnpublishBulkAction as PageUnpublish
    from wagtail.documents.views.bulk_actions.add_tags import AddTagsBulkAction as DocumentTags
    from wagtail.documents.views.bulk_actions.add_to_collection import AddToCollectionBulkAction as DocumentMove
    from wagtail.documents.views.bulk_actions.delete import DeleteBulkAction as DocumentDelete
    from wagtail.images.views.bulk_actions.add_tags import AddTagsBulkAction as ImageTags
    from wagtail.images.views.bulk_actions.add_to_collection import AddToCollectionBulkAction as ImageMove
    from wagtail.images.views.bulk_actions.delete import DeleteBulkAction as ImageDelete
    from wagtail.snippets.bulk_actions.delete import DeleteBulkAction as SnippetDelete
    from wagtail.users.views.bulk_actions.assign_role import AssignRoleBulkAction as UserRole
    from wagtail.users.views.bulk_actions.delete import DeleteBulkAction as UserDelete
    from wagtail.users.views.bulk_actions.set_active_state import SetActiveStateBulkAction as UserActive

    # Every bulk action Wagtail registers (wagtail 8.0.1: pages, documents, images, snippets, users).
    # order=100: registered after Wagtail's own classes, so these replace them in the registry.
    for action_class in (
        PageDelete, PageMove, PagePublish, PageUnpublish,
        DocumentDelete, DocumentTags, DocumentMove,
        ImageDelete, ImageTags, ImageMove,
        SnippetDelete,
        UserDelete, UserRole, UserActive,
    ):  # fmt: skip
        hooks.register("register_bulk_action", _scoped(action_class), order=100)


_register_scoped_bulk_actions()


@hooks.register("before_move_page")
def move_only_what_the_user_may_move(request, page, destination):
    """Wagtail's move-confirm view checks the permission only on POST: its GET named any page
    (a 党内 title of another unit) to any admin user, /admin/pages/<id>/move/<dest>/confirm/."""
    if not page.permissions_for_user(request.user).can_move_to(destination):
        raise PermissionDenied


# --- issue 3: roles, workflow, revocation, history --------------------------------------------


@hooks.register("register_log_actions")
def register_workflow_actions(actions):
    actions.register_action(REVOKE_LOG_ACTION, "撤消", "撤消（组织部门）")
    actions.register_action(WITHDRAW_LOG_ACTION, "变更/撤销/终止", "变更、撤销或终止（经批准）")
    actions.register_action(CORRECT_LOG_ACTION, "更正", "更正（由更正后的事项替代）")


@hooks.register("register_admin_urls")
def register_item_admin_urls():
    return [
        path("disclosure/items/<id:page_id>/history/", ItemHistoryView.as_view(), name="disclosure_item_history"),
        path(
            "disclosure/items/<id:page_id>/compare/<id:revision_id>/",
            ItemCompareView.as_view(),
            name="disclosure_item_compare",
        ),
        path("disclosure/items/<id:page_id>/revoke/", ItemRevokeView.as_view(), name="disclosure_item_revoke"),
        path("disclosure/items/<id:page_id>/withdraw/", ItemWithdrawView.as_view(), name="disclosure_item_withdraw"),
        path("disclosure/items/<id:page_id>/correct/", ItemCorrectView.as_view(), name="disclosure_item_correct"),
    ]


@hooks.register("register_admin_viewset")
def register_roles_viewsets():
    return RolesViewSetGroup()


@hooks.register("register_admin_viewset")  # after Wagtail's own for Page (order -1), so it replaces it
def register_explorer_viewset():
    return ExplorerPageViewSet()


class ItemHistoryButton(PageMenuItem):
    label = "事项履历"
    icon_name = "history"
    url_name = "disclosure_item_history"

    def is_shown(self, user):
        return is_item_page(self.page) and can_view_history(user, self.page)


class ItemRevokeButton(PageMenuItem):
    label = "撤消"
    icon_name = "warning"
    url_name = "disclosure_item_revoke"

    def is_shown(self, user):
        return is_item_page(self.page) and self.page.live and can_revoke(user, self.page)


class ItemWithdrawButton(PageMenuItem):
    label = "变更/撤销/终止"
    icon_name = "warning"
    url_name = "disclosure_item_withdraw"

    def is_shown(self, user):
        return is_item_page(self.page) and self.page.live and can_withdraw(user, self.page)


class ItemCorrectButton(PageMenuItem):
    label = "更正"
    icon_name = "edit"
    url_name = "disclosure_item_correct"

    def is_shown(self, user):
        return is_item_page(self.page) and self.page.live and can_correct(user, self.page)


@hooks.register("register_page_listing_more_buttons")
def item_listing_buttons(page, user, next_url=None):
    yield ItemHistoryButton(page=page, priority=45)
    yield ItemRevokeButton(page=page, priority=46)
    yield ItemWithdrawButton(page=page, priority=47)
    yield ItemCorrectButton(page=page, priority=48)


@hooks.register("register_page_header_buttons")
def item_header_buttons(page, user, view_name, next_url=None):
    yield ItemHistoryButton(page=page, priority=64)
    yield ItemRevokeButton(page=page, priority=66)
    yield ItemWithdrawButton(page=page, priority=67)
    yield ItemCorrectButton(page=page, priority=68)


class RevokeMenuItem(ActionMenuItem):
    label = "撤消"
    name = "action-revoke"
    icon_name = "warning"
    order = 25

    def is_shown(self, context):
        page = context.get("page")
        return (
            context["view"] == "edit"
            and page is not None
            and is_item_page(page)
            and page.live
            and can_revoke(context["request"].user, page)
        )

    def get_url(self, context):
        return reverse("disclosure_item_revoke", args=[context["page"].pk])


@hooks.register("register_page_action_menu_item")
def register_revoke_menu_item():
    return RevokeMenuItem()


@hooks.register("construct_page_action_menu")
def revoke_instead_of_unpublish(menu_items, request, context):
    """A published item is taken down by 撤消 (reason, archive record, notice), not a bare unpublish."""
    page = context.get("page")
    if page is not None and is_item_page(page):
        menu_items[:] = [item for item in menu_items if item.name != "action-unpublish"]


@hooks.register("construct_page_chooser_queryset")
def chooser_shows_what_the_user_may_see(pages, request):
    """The admin page chooser (e.g. 政策解读) lists the user's own subtrees and public items,
    not other units' internal items."""
    user = request.user
    if user.is_superuser:
        return pages
    explorable = policy_registry.get_by_type(Page).explorable_instances(user)
    return pages.filter(Q(pk__in=explorable.values("pk")) | Q(pk__in=public_items().values("pk")))
