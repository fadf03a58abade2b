from django.http import Http404
from wagtail import hooks

from .models import ItemAttachment
from .selectors import can_view_item
from .services import IMPORT_LOG_ACTION


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
