"""Driving the admin the way a user does: fetch the form, fill it in, post it."""

from __future__ import annotations

import json

from django.urls import reverse
from django.utils.text import slugify
from wagtail.test.utils.form_data import querydict_from_html, rich_text

from disclosure_pages.models import DisclosureItemPage

XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}

# The proposer's part of 《党务公开事项审批表》, required on submission (the rest is preset from the node).
PROPOSAL = {
    "proposer_disclose_opinion": "agree",
    "proposer_disclose_reason": "属于本单位公开目录规定的内容",
    "proposer_secrecy_opinion": "pass",
    "proposer_secrecy_reason": "经初步审查不涉及国家秘密和个人隐私",
}


def create_item(client, node, *, title: str, body: str = "<p>正文</p>", submit: bool = True, **fields) -> DisclosureItemPage:
    url = reverse("wagtailadmin_pages:add", args=["disclosure_pages", "disclosureitempage", node.pk])
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    data = querydict_from_html(page.content.decode(), form_id="page-edit-form")
    data["title"] = title
    data["slug"] = slugify(title, allow_unicode=True)  # the admin's JavaScript fills it in
    data["period_type"] = "year"
    data["year"] = "2026"
    data["body"] = rich_text(body)
    data.setdefault("tables-count", "0")  # the StreamField widget is drawn by JavaScript
    if submit:
        fill_proposal(data)
    for name, value in fields.items():
        data[name] = value
    if submit:
        data["action-submit"] = "1"
    response = client.post(url, data)
    assert response.status_code == 302, _errors(response)
    return DisclosureItemPage.objects.child_of(node).get(title=title)


def edit_item(client, item, *, submit: bool = True, body: str | None = None, **fields):
    url = reverse("wagtailadmin_pages:edit", args=[item.pk])
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    data = querydict_from_html(page.content.decode(), form_id="page-edit-form")
    if body is not None:
        data["body"] = rich_text(body)
    data.setdefault("tables-count", "0")  # the StreamField widget is drawn by JavaScript
    if submit:
        fill_proposal(data)
    for name, value in fields.items():
        data[name] = value
    if submit:
        data["action-submit"] = "1"
    return client.post(url, data)


def fill_proposal(data) -> None:
    """What the proposer types on the 审批表 tab where the form left it empty."""
    for name, value in PROPOSAL.items():
        if not (data.get(name) or "").strip():
            data[name] = value


def _errors(response) -> str:
    context = getattr(response, "context", None)
    if context and "form" in context:
        return str(context["form"].errors.as_data())
    return f"status {response.status_code}"


def act(client, item, action: str, **fields):
    """Post a workflow action form (as the modal does) and return the decoded JSON answer."""
    item.refresh_from_db()
    task_state = item.current_workflow_task_state
    assert task_state is not None, "no task in progress"
    url = reverse("wagtailadmin_pages:workflow_action", args=[item.pk, action, task_state.pk])
    form = client.get(url, **XHR)
    assert form.status_code == 200, form.status_code
    data = {"screened_task_state": task_state.pk, **fields}
    response = client.post(url, {k: v for k, v in data.items() if v is not None}, **XHR)
    assert response.status_code == 200, response.status_code
    return json.loads(response.content)


def review(client, item, action: str = "approve", **fields):
    defaults = {
        "disclose_opinion": "agree",
        "disclose_reason": "属于目录规定的公开内容",
        "secrecy_opinion": "pass",
        "secrecy_reason": "不涉及国家秘密和个人隐私",
    }
    return act(client, item, action, **{**defaults, **fields})


def approve_as_leader(client, item, action: str = "approve", **fields):
    defaults = {"opinion": "agree" if action == "approve" else "disagree", "reason": "同意按目录公开"}
    return act(client, item, action, **{**defaults, **fields})


def denied(response) -> bool:
    """Wagtail's admin answers a PermissionDenied with a redirect to the dashboard (or a 403 for
    XHR), and a user without admin access with the admin login."""
    if response.status_code == 403:
        return True
    return response.status_code == 302 and (
        response.url == reverse("wagtailadmin_home") or response.url.startswith(reverse("wagtailadmin_login"))
    )
