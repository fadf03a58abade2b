"""Fixtures of the review/approval workflow tests: the workflow installed, the personas with mail."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from disclosure_pages.services import roles_sync
from review.services import workflow_install

PERSONA_MAIL = {
    "wj_editor": "editor@wj.example",
    "wj_reviewer": "reviewer@wj.example",
    "wj_leader": "leader@wj.example",
    "wj_member": "member@wj.example",
    "sg_supervisor": "org@sg.example",
    "wj_supervisor": "org@wj.example",
}


@pytest.fixture(autouse=True)
def review_workflow(db):
    """What load_demo is asked to do (see the report): the shared group and the workflow."""
    roles_sync()
    return workflow_install()


@pytest.fixture
def people(db):
    User = get_user_model()
    users = {}
    for username, email in PERSONA_MAIL.items():
        user = User.objects.get(username=username)
        user.email = email
        user.save(update_fields=["email"])
        users[username] = user
    return users
