"""The inbox in the admin: list, open (marks read and goes to the action), mark all read."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from .models import Notice
from .selectors import notices_for, unread_count
from .services import notice_mark_read


class InboxView(WagtailAdminTemplateMixin, TemplateView):
    page_title = "站内消息"
    header_icon = "mail"
    template_name = "notices/inbox.html"

    def get_breadcrumbs_items(self):
        return [{"url": "", "label": "站内消息"}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(notices_for(self.request.user), 30).get_page(self.request.GET.get("p"))
        context.update(page_obj=page, notices=page.object_list, unread=unread_count(self.request.user))
        return context


class NoticeOpenView(View):
    """Follow a notice's link; opening it marks it read."""

    def get(self, request, pk: int):
        notice = get_object_or_404(Notice, pk=pk, user=request.user)
        if notice.read_at is None:
            notice.read_at = timezone.now()
            notice.save(update_fields=["read_at"])
        if notice.url and url_has_allowed_host_and_scheme(notice.url, allowed_hosts={request.get_host()}):
            return HttpResponseRedirect(notice.url)
        return redirect("notices:inbox")


class MarkAllReadView(View):
    def post(self, request):
        count = notice_mark_read(user=request.user)
        messages.success(request, f"已将 {count} 条消息标为已读。" if count else "没有未读消息。")
        return redirect("notices:inbox")
