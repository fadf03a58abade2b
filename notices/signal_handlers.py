"""Wagtail's own workflow mails (approved: to the submitter) also go to the inbox."""

from __future__ import annotations

from django.urls import reverse
from wagtail.signals import workflow_approved

from .models import NoticeKind
from .services import notify


def workflow_approved_notice(sender, instance, user=None, **kwargs):
    submitter = instance.requested_by
    page = instance.content_object
    if submitter is None or page is None:
        return
    title = page.get_admin_display_title()
    notify(
        [submitter],
        subject=f"【党务公开】已通过：{title}",
        body=f"您提交的“{title}”已通过审核审批并发布（设有定时发布时间的，到时发布）。",
        url=reverse("wagtailadmin_pages:edit", args=[page.pk]),
        kind=NoticeKind.TASK,
        mail=False,  # Wagtail mails the submitter itself
    )


def connect() -> None:
    workflow_approved.connect(workflow_approved_notice, dispatch_uid="notices_workflow_approved")
