"""Notices of the workflow: the admin inbox, and a mail after the commit.

Wagtail's own workflow mails go to group-approval reviewers and to the submitter only;
our tasks are assigned through memberships, and a rejection must reach everyone who
acted on the item so far (wagtail#10196), so these are sent here.
"""

from __future__ import annotations

import logging

from disclosure_pages.choices import Role
from disclosure_pages.notifications import admin_url, person, tell
from disclosure_pages.selectors import unit_users_with_role, workflow_participants

from .models.workflow import item_of

logger = logging.getLogger(__name__)

ROLE_STEP = {Role.REVIEWER: "审核", Role.LEADER: "审批", Role.SECRECY: "保密审查"}


def notify_task_started(*, task_state, role: str, note: str = "") -> list[str]:
    item = item_of(task_state)
    step = ROLE_STEP.get(role, "处理")
    requested_by = task_state.workflow_state.requested_by
    people = list(unit_users_with_role(item, role))
    if not people:
        logger.warning("“%s”待%s，但所属单位没有设置%s。", item.title, step, Role(role).label)
    body = (
        f"公开事项“{item.title}”已提交，请您{step}。\n"
        + (f"说明：{note}\n" if note else "")
        + f"提交人：{person(requested_by)}\n"
        f"审核审批页面：{admin_url('wagtailadmin_pages:edit', item.pk)}\n"
    )
    url = admin_url("wagtailadmin_pages:edit", item.pk)
    return tell(f"【党务公开】待{step}：{item.title}", body, people, url=url, kind="task").addresses


def notify_rejected(*, task_state, user) -> list[str]:
    item = item_of(task_state)
    # The submitter already gets Wagtail's own rejection mail (with the same comment).
    skip = {user.pk if user else None, task_state.workflow_state.requested_by_id}
    recipients = [person for person in workflow_participants(task_state.workflow_state) if person.pk not in skip]
    body = (
        f"公开事项“{item.title}”在“{task_state.task.name}”环节被退回修改。\n"
        f"退回人：{person(user)}\n"
        f"意见：{task_state.comment}\n\n"
        f"请录入人按意见修改后重新提交：{admin_url('wagtailadmin_pages:edit', item.pk)}\n"
    )
    url = admin_url("wagtailadmin_pages:edit", item.pk)
    subject = f"【党务公开】退回修改：{item.title}"
    addresses = tell(subject, body, recipients, url=url, kind="returned").addresses
    # The submitter's mail is Wagtail's own; their inbox notice is posted here.
    submitter = task_state.workflow_state.requested_by
    if submitter is not None and submitter.pk != getattr(user, "pk", None):
        from notices.services import notify

        notify([submitter], subject=subject, body=body, url=url, kind="returned", mail=False)
    return addresses


def notify_people(*, task_state, people, step: str, note: str = "") -> list[str]:
    """A step whose actors are not one role of the item's unit (区保密办, 会签 departments)."""
    item = item_of(task_state)
    people = list({someone.pk: someone for someone in people if someone.is_active}.values())
    if not people:
        logger.warning("“%s”待%s，但没有可以处理的人员。", item.title, step)
    requested_by = task_state.workflow_state.requested_by
    url = admin_url("wagtailadmin_pages:edit", item.pk)
    body = (
        f"公开事项“{item.title}”（{item.unit.title if item.unit else ''}）请您{step}。\n"
        + (f"说明：{note}\n" if note else "")
        + f"提交人：{person(requested_by)}\n"
        f"审核审批页面：{url}\n"
    )
    return tell(f"【党务公开】待{step}：{item.title}", body, people, url=url, kind="task").addresses
