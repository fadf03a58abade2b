"""The call centre's part of the demo data: an operator (坐席员) of the 韶关市 hotline."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from disclosure_pages.demo import DEMO_PASSWORD, demo_email

from .permissions import OPERATOR_GROUP

# (username, name): operators act for the public and belong to no unit.
OPERATORS = [("cc_operator", "人工坐席 坐席员")]


def install_demo(sender, report, with_users=True, **kwargs) -> None:
    if not with_users:
        return
    group = Group.objects.get(name=OPERATOR_GROUP)  # made by callcentre's migrations
    for username, name in OPERATORS:
        user, new = get_user_model().objects.get_or_create(
            username=username, defaults={"first_name": name, "is_staff": True, "email": demo_email(username)}
        )
        if new:
            user.set_password(DEMO_PASSWORD)
            user.save()
            report.users += 1
        user.groups.add(group)
