"""The review's part of the demo data: its workflow on the home page, and personas for the steps
of the secrecy review and 会签 as 《中共惠农区委党务公开若干制度（试行）》 has them (its own 区委)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from disclosure_pages.choices import Role
from disclosure_pages.demo import DEMO_PASSWORD, demo_email
from disclosure_pages.models import RegionPage, UnitMembership
from disclosure_pages.selectors import find_unit

from .models import SecrecyOfficeMember
from .services import workflow_install

HN = "石嘴山市/惠农区/区委"
# (username, name, unit path, role): a unit whose secrecy review has every step.
PERSONAS = [
    ("hn_editor", "惠农区委 录入人", HN, Role.EDITOR),
    ("hn_reviewer", "惠农区委 分管负责人", HN, Role.REVIEWER),
    ("hn_secrecy", "惠农区委 分管保密负责人", HN, Role.SECRECY),
    ("hn_leader", "惠农区委 主要负责人", HN, Role.LEADER),
    # A department another unit's item may concern (会签).
    ("pl_reviewer", "平罗县编办 分管负责人", "石嘴山市/平罗县/县编办", Role.REVIEWER),
]
# (username, name, region path): a reviewer of the region's 保密办.
SECRECY_OFFICE = [("hn_secrecy_office", "惠农区保密办 审查人", "石嘴山市/惠农区")]


def _persona(report, username: str, name: str):
    user, new = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": name, "is_staff": True, "email": demo_email(username)}
    )
    if new:
        user.set_password(DEMO_PASSWORD)
        user.save()
        report.users += 1
    return user


def _region(path: str) -> RegionPage | None:
    region = None
    for name in path.split("/"):
        parent = region
        region = (RegionPage.objects.child_of(parent) if parent else RegionPage.objects).filter(title=name).first()
        if region is None:
            return None
    return region


def demo_install(*, report, with_users: bool = True) -> None:
    workflow_install()
    if not with_users:
        return
    for username, name, unit_path, role in PERSONAS:
        unit = find_unit(unit_path)
        if unit is not None:
            UnitMembership.objects.get_or_create(user=_persona(report, username, name), unit=unit, role=role)
    access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    for username, name, region_path in SECRECY_OFFICE:
        region = _region(region_path)
        if region is not None:
            user = _persona(report, username, name)
            # The 保密办 is no unit of the tree: its reviewers reach the admin by this permission.
            user.user_permissions.add(access)
            SecrecyOfficeMember.objects.get_or_create(user=user, region=region)
