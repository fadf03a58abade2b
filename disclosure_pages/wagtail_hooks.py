from django.db.models import Q
from django.http import Http404
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.models import Page
from wagtail.permissions import policy_registry

from .actions import REVOKE_LOG_ACTION
from .models import ItemAttachment
from .permissions import can_revoke, can_view_history
from .selectors import can_view_item, is_item_page, public_items
from .services import IMPORT_LOG_ACTION
from .views import ItemCompareView, ItemHistoryView, ItemRevokeView
from .viewsets import RolesViewSetGroup
from .workflow import SKIP_LOG_ACTION


@hooks.register("register_log_actions")
def register_import_action(actions):
    actions.register_action(IMPORT_LOG_ACTION, "历史导入并发布", "历史导入并发布")


@hooks.register("before_serve_document")
def guard_documents(document, request):
    """A document is served only as a 主动公开 attachment of an item the user may see.

    Wagtail serves every document at /documents/<id>/<name> to anyone; attachments of
    internal items and 依申请公开 / 不予公开 files must not leak that way. Whoever
    uploaded the file, or may edit an item it is attached to, still gets it.
    """
    user = request.user
    if user.is_authenticated and (user.is_superuser or document.uploaded_by_user_id == user.pk):
        return None
    for attachment in ItemAttachment.objects.filter(document=document).select_related("page"):
        if attachment.is_downloadable and can_view_item(user, attachment.page):
            return None
        if user.is_authenticated and attachment.page.permissions_for_user(user).can_edit():
            return None
    raise Http404


# --- issue 3: roles, workflow, revocation, history --------------------------------------------


@hooks.register("register_log_actions")
def register_workflow_actions(actions):
    actions.register_action(REVOKE_LOG_ACTION, "撤消", "撤消（组织部门）")
    actions.register_action(SKIP_LOG_ACTION, "审批环节跳过", "审批环节跳过（无需主要负责人审批）")


@hooks.register("register_admin_urls")
def register_item_admin_urls():
    return [
        path("disclosure/items/<int:page_id>/history/", ItemHistoryView.as_view(), name="disclosure_item_history"),
        path(
            "disclosure/items/<int:page_id>/compare/<int:revision_id>/",
            ItemCompareView.as_view(),
            name="disclosure_item_compare",
        ),
        path("disclosure/items/<int:page_id>/revoke/", ItemRevokeView.as_view(), name="disclosure_item_revoke"),
    ]


@hooks.register("register_admin_viewset")
def register_roles_viewsets():
    return RolesViewSetGroup()


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


@hooks.register("register_page_listing_more_buttons")
def item_listing_buttons(page, user, next_url=None):
    yield ItemHistoryButton(page=page, priority=45)
    yield ItemRevokeButton(page=page, priority=46)


@hooks.register("register_page_header_buttons")
def item_header_buttons(page, user, view_name, next_url=None):
    yield ItemHistoryButton(page=page, priority=64)
    yield ItemRevokeButton(page=page, priority=66)


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


# --- the proposer's part of the approval form ---------------------------------------------------


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def record_proposal(request, page):
    """The proposer's 初步公开意见 / 初步保密意见 typed on the 审批表 tab go to the open approval form."""
    proposal = getattr(page, "_approval_proposal", None)
    if proposal is not None and page.pk:
        from .workflow import archive_service

        archive_service("approval_form_record_proposal")(item=page.specific, **proposal)
