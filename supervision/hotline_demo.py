"""监督员 and 直通车 in the demo data: three 监督员 of 武江区·区委办 (one with the account jdy_wujiang), one of
龙口市·市科技局党支部, an answered opinion and an open one. Safe to run twice (rows are matched by name)."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from disclosure_pages.demo import DEMO_PASSWORD, demo_email
from disclosure_pages.selectors import find_unit

from .hotline_services import opinion_answer, opinion_file
from .models_hotline import DisclosureMonitor, MonitorIdentity, MonitorOpinion

WJ = "韶关市/武江区/区委办"
LK = "龙口市/市科技局党支部"
ACCOUNT = ("jdy_wujiang", "吴江（党务公开监督员）")
# (unit, name, identity, account?, reads committee items?)
MONITORS = [
    (WJ, "吴江", MonitorIdentity.CONGRESS_DELEGATE, True, False),
    (WJ, "李晓梅", MonitorIdentity.CPPCC, False, False),
    (WJ, "陈国华", MonitorIdentity.RETIRED, False, False),
    (LK, "王建军", MonitorIdentity.ENTERPRISE, False, False),
]
ANSWERED = "区委办2026年第三季度党费收缴情况公开时间晚于目录规定的时限，建议今后按期公开，并在公开栏同步张贴。"
ANSWER = "感谢您的监督。第三季度党费收缴情况已补充公开，今后将在每季度首月10日前公开，并同步张贴于公开栏。"
OPEN = "部分党员反映，党内公开事项只在机关公开栏张贴，外出党员不便查看，建议同时通过本平台党内公开。"


def _account(report):
    username, name = ACCOUNT
    user, new = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": name, "email": demo_email(username)}
    )
    if new:
        user.set_password(DEMO_PASSWORD)
        user.save()
        report.users += 1
    return user


def install_demo(sender, report, with_users=True, **kwargs) -> None:
    if not with_users:
        return
    appointer = get_user_model().objects.filter(username="wj_supervisor").first()
    now = timezone.now()
    today = timezone.localdate(now)
    starts, ends = datetime.date(today.year, 1, 1), datetime.date(today.year + 2, 12, 31)
    account = _account(report)
    main = None
    for unit_path, name, identity, with_account, committee in MONITORS:
        unit = find_unit(unit_path)
        monitor, _ = DisclosureMonitor.objects.get_or_create(
            unit=unit,
            name=name,
            defaults={
                "identity": identity,
                "term_starts": starts,
                "term_ends": ends,
                "user": account if with_account else None,
                "reads_party": True,
                "reads_committee": committee,
                "appointed_by": appointer,
            },
        )
        if with_account:
            main = monitor
    if main is None or MonitorOpinion.objects.filter(monitor=main).exists():
        return
    filed = max(now - datetime.timedelta(days=20), timezone.make_aware(datetime.datetime.combine(starts, datetime.time(9))))
    answered = opinion_file(monitor=main, user=account, content=ANSWERED, at=filed, notify=False)
    leader = get_user_model().objects.filter(username="wj_leader").first()
    if leader is not None:
        opinion_answer(opinion=answered, actor=leader, answer=ANSWER, at=filed + datetime.timedelta(days=5), notify=False)
    opinion_file(monitor=main, user=account, content=OPEN, at=now - datetime.timedelta(days=1), notify=False)
