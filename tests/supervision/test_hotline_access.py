"""Who appoints 监督员, who answers their opinions, what a 监督员's account reads, and the public list.

Personas (demo data): wj_supervisor reaches 武江区, sg_supervisor 韶关市; wj_editor / wj_leader / wj_member
are the 录入人, 审批人 and a 党员 of 韶关市/武江区/区委办; zj_editor (made here) the 录入人 of 浈江区·区委办;
lk_member a 党员 of 龙口市/市科技局党支部; the 监督员 (made here) serves 武江区·区委办.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from disclosure_pages.choices import Role, Scope
from disclosure_pages.permissions import can_change, can_see, readable_scopes
from disclosure_pages.selectors import visible_items
from supervision.hotline_services import HotlineError, monitor_appoint, opinion_file
from supervision.models import DisclosureMonitor, MonitorOpinion
from supervision.models_hotline import MonitorIdentity
from tests.builders import make_user
from tests.search.conftest import embedded_site_backend  # noqa: F401  (fixture)
from tests.search.helpers import publish_new

WJ = "韶关市/武江区/区委办"
ZJ = "韶关市/浈江区/区委办"
LK = "龙口市/市科技局党支部"
DAY = datetime.timedelta(days=1)


def today() -> datetime.date:
    return timezone.localdate()


def admin(user):
    user.user_permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    return user


def form_data(unit_page, **extra):
    return {
        "unit": unit_page.pk, "name": "张三", "identity": MonitorIdentity.CONGRESS_DELEGATE,
        "term_starts": "2026-01-01", "term_ends": "2027-12-31", "account": "", "reads_party": "on", **extra,
    }


# --- who appoints --------------------------------------------------------------------------------------


def test_a_supervisor_appoints_a_monitor_for_a_unit_in_reach(client, user_named, unit):
    supervisor = admin(user_named("wj_supervisor"))
    client.force_login(supervisor)
    form = client.get("/admin/supervision/monitors/new/")
    assert form.status_code == 200
    assert "武江区·区委办" in form.content.decode() and "浈江区·区委办" not in form.content.decode()
    account = make_user("jdy_new")
    response = client.post("/admin/supervision/monitors/new/", form_data(unit(WJ), account="jdy_new"))
    assert response.status_code == 302, response.content.decode()[:3000]
    monitor = DisclosureMonitor.objects.get(name="张三")
    assert monitor.unit == unit(WJ) and monitor.user == account and monitor.appointed_by == supervisor
    assert monitor.history.count() == 1
    assert "张三" in client.get("/admin/supervision/monitors/").content.decode()
    inspect = client.get(f"/admin/supervision/monitors/inspect/{monitor.pk}/").content.decode()
    assert "张三" in inspect and "党代表" in inspect
    assert client.get("/admin/supervision/monitors/?term=current&identity=party_delegate").status_code == 200


def test_no_appointment_outside_the_reach(client, user_named, unit):
    client.force_login(admin(user_named("wj_supervisor")))
    response = client.post("/admin/supervision/monitors/new/", form_data(unit(ZJ)))
    assert response.status_code == 200 and "请选择监督范围内的单位" in response.content.decode()
    with pytest.raises(HotlineError):
        monitor_appoint(actor=user_named("wj_supervisor"), unit=unit(ZJ), name="越权", identity=MonitorIdentity.MEMBER,
                        term_starts=today(), term_ends=today())
    assert not DisclosureMonitor.objects.filter(unit=unit(ZJ)).exists()


def test_the_form_says_what_is_wrong_in_chinese(client, user_named, unit):
    client.force_login(admin(user_named("wj_supervisor")))
    response = client.post(
        "/admin/supervision/monitors/new/",
        form_data(unit(WJ), name="", term_starts="2027-01-01", term_ends="2026-01-01", account="nobody-such"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "请填写监督员姓名" in page and "聘期结束日期不能早于开始日期" in page and "没有这个登录账号" in page
    assert 'value="nobody-such"' in page  # the input is kept


def test_unit_staff_and_members_do_not_appoint(client, user_named, unit):
    for username in ("wj_editor", "wj_leader"):
        client.force_login(admin(user_named(username)))
        assert client.get("/admin/supervision/monitors/new/").status_code in (302, 403)
        response = client.post("/admin/supervision/monitors/new/", form_data(unit(WJ)))
        assert response.status_code in (302, 403) and not DisclosureMonitor.objects.filter(name="张三").exists()


def test_another_reach_s_monitor_is_a_404(client, user_named, unit):
    zj_monitor = monitor_appoint(actor=user_named("sg_supervisor"), unit=unit(ZJ), name="浈江监督员",
                                 identity=MonitorIdentity.MEMBER, term_starts=today(), term_ends=today())
    client.force_login(admin(user_named("wj_supervisor")))
    for action in ("edit", "inspect", "delete"):
        assert client.get(f"/admin/supervision/monitors/{action}/{zj_monitor.pk}/").status_code == 404
    assert "浈江监督员" not in client.get("/admin/supervision/monitors/").content.decode()
    client.force_login(admin(user_named("sg_supervisor")))
    assert client.get(f"/admin/supervision/monitors/edit/{zj_monitor.pk}/").status_code == 200


# --- who answers -----------------------------------------------------------------------------------------


@pytest.fixture
def serving(unit, user_named):
    return monitor_appoint(
        actor=user_named("wj_supervisor"), unit=unit(WJ), name="在聘监督员", identity=MonitorIdentity.MEMBER,
        term_starts=today() - DAY, term_ends=today() + 30 * DAY, user=make_user("jdy_serving"),
    )


@pytest.fixture
def opinion(serving):
    return opinion_file(monitor=serving, user=serving.user, content="建议及时更新公开栏。")


def test_the_unit_s_staff_answer_in_the_admin(client, user_named, opinion):
    client.force_login(admin(user_named("wj_reviewer")))
    listing = client.get("/admin/supervision/opinions/").content.decode()
    assert opinion.number in listing and f"{opinion.due_date:%Y-%m-%d}" in listing
    form = client.get(f"/admin/supervision/opinions/edit/{opinion.pk}/")
    assert form.status_code == 200 and "建议及时更新公开栏。" in form.content.decode()
    empty = client.post(f"/admin/supervision/opinions/edit/{opinion.pk}/", {"answer": ""})
    assert empty.status_code == 200 and "请填写答复内容" in empty.content.decode()
    response = client.post(f"/admin/supervision/opinions/edit/{opinion.pk}/", {"answer": "已更新。"})
    assert response.status_code == 302
    opinion.refresh_from_db()
    assert opinion.answer == "已更新。" and opinion.answered_by == user_named("wj_reviewer")
    # answered once: the answer stands (Wagtail answers a refusal with a redirect and a message)
    assert client.get(f"/admin/supervision/opinions/edit/{opinion.pk}/").status_code == 302
    client.post(f"/admin/supervision/opinions/edit/{opinion.pk}/", {"answer": "改口。"})
    opinion.refresh_from_db()
    assert opinion.answer == "已更新。"
    assert "已答复" in client.get(f"/admin/supervision/opinions/inspect/{opinion.pk}/").content.decode()


def test_staff_of_another_unit_get_a_404(client, user_named, opinion):
    zj_editor = admin(make_user("zj_editor", unit_path=ZJ, role=Role.EDITOR))
    client.force_login(zj_editor)
    assert opinion.number not in client.get("/admin/supervision/opinions/").content.decode()
    for action in ("edit", "inspect"):
        assert client.get(f"/admin/supervision/opinions/{action}/{opinion.pk}/").status_code == 404
    assert client.post(f"/admin/supervision/opinions/edit/{opinion.pk}/", {"answer": "越权"}).status_code == 404
    opinion.refresh_from_db()
    assert not opinion.is_answered
    assert not can_see(zj_editor, opinion) and not can_change(zj_editor, opinion)


def test_supervisors_see_but_do_not_answer_members_see_nothing(client, user_named, opinion):
    supervisor = admin(user_named("wj_supervisor"))
    assert can_see(supervisor, opinion) and not can_change(supervisor, opinion)
    client.force_login(supervisor)
    assert client.get(f"/admin/supervision/opinions/inspect/{opinion.pk}/").status_code == 200
    assert client.get(f"/admin/supervision/opinions/edit/{opinion.pk}/").status_code in (302, 403)
    member = user_named("wj_member")
    assert not can_see(member, opinion)


def test_dashboards_show_overdue_to_the_supervisor_and_due_soon_to_the_staff(client, user_named, opinion):
    MonitorOpinion.objects.filter(pk=opinion.pk).update(due_date=today() + DAY)
    client.force_login(admin(user_named("wj_editor")))
    page = client.get("/admin/").content.decode()
    assert opinion.number in page and "1 天后到期" in page
    client.force_login(admin(user_named("wj_supervisor")))
    assert opinion.number not in client.get("/admin/").content.decode()  # not overdue yet
    MonitorOpinion.objects.filter(pk=opinion.pk).update(due_date=today() - 2 * DAY)
    page = client.get("/admin/").content.decode()
    assert opinion.number in page and "已逾期 2 天" in page
    client.force_login(admin(make_user("zj_editor2", unit_path=ZJ, role=Role.EDITOR)))
    assert opinion.number not in client.get("/admin/").content.decode()


# --- what the 监督员's account reads: their unit, the granted scopes, during the term ---------------------


@pytest.fixture
def internal_items():
    return {
        (unit_path, scope): publish_new(unit_path, "1-1-1", title=f"监督员针{tag}{scope}", scope=scope)
        for unit_path, tag in ((WJ, "武江"), (ZJ, "浈江"))
        for scope in (Scope.PARTY, Scope.COMMITTEE)
    }


def reader(client, monitor):
    client.force_login(monitor.user)
    return client


def item_status(client, item) -> int:
    return client.get(item.url).status_code


def test_the_monitor_reads_the_unit_s_granted_scopes_only(client, serving, internal_items):
    client = reader(client, serving)
    assert item_status(client, internal_items[(WJ, Scope.PARTY)]) == 200
    assert item_status(client, internal_items[(WJ, Scope.COMMITTEE)]) == 404  # not granted
    assert item_status(client, internal_items[(ZJ, Scope.PARTY)]) == 404  # another unit
    assert item_status(client, internal_items[(ZJ, Scope.COMMITTEE)]) == 404
    visible = set(visible_items(serving.user).values_list("pk", flat=True))
    assert internal_items[(WJ, Scope.PARTY)].pk in visible
    assert not visible & {internal_items[key].pk for key in [(WJ, Scope.COMMITTEE), (ZJ, Scope.PARTY), (ZJ, Scope.COMMITTEE)]}
    # the catalogue listing of the node
    listing = client.get(internal_items[(WJ, Scope.PARTY)].get_parent().url).content.decode()
    assert internal_items[(WJ, Scope.PARTY)].title in listing and internal_items[(WJ, Scope.COMMITTEE)].title not in listing
    zj_listing = client.get(internal_items[(ZJ, Scope.PARTY)].get_parent().url).content.decode()
    assert internal_items[(ZJ, Scope.PARTY)].title not in zj_listing


def test_committee_items_when_granted(client, serving, internal_items):
    DisclosureMonitor.objects.filter(pk=serving.pk).update(reads_committee=True)
    client = reader(client, serving)
    assert item_status(client, internal_items[(WJ, Scope.COMMITTEE)]) == 200
    assert item_status(client, internal_items[(ZJ, Scope.COMMITTEE)]) == 404


def test_nothing_internal_before_the_term_or_after_it(client, serving, internal_items):
    party = internal_items[(WJ, Scope.PARTY)]
    DisclosureMonitor.objects.filter(pk=serving.pk).update(term_starts=today() + DAY, term_ends=today() + 30 * DAY)
    assert item_status(reader(Client(), serving), party) == 404
    DisclosureMonitor.objects.filter(pk=serving.pk).update(term_starts=today() - 30 * DAY, term_ends=today() - DAY)
    assert item_status(reader(Client(), serving), party) == 404
    assert readable_scopes(type(serving.user).objects.get(pk=serving.user_id)).grants == ()
    DisclosureMonitor.objects.filter(pk=serving.pk).update(term_ends=today())  # the last day counts
    assert item_status(reader(Client(), serving), party) == 200


def test_a_monitor_without_an_account_grants_nobody_anything(user_named, unit):
    people = ("lk_member", "wj_member", "wj_editor", "jdy_wujiang")
    before = {username: readable_scopes(user_named(username)).grants for username in people}
    monitor_appoint(actor=user_named("wj_supervisor"), unit=unit(WJ), name="无账号", identity=MonitorIdentity.RETIRED,
                    term_starts=today() - DAY, term_ends=today() + DAY, reads_committee=True)
    assert {username: readable_scopes(user_named(username)).grants for username in people} == before


def test_search_finds_the_granted_items_only(serving, embedded_site_backend, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        items = {
            (unit_path, scope): publish_new(unit_path, "1-1-1", title=f"针监督{tag}{scope} 直通针", scope=scope)
            for unit_path, tag in ((WJ, "武江"), (ZJ, "浈江"))
            for scope in (Scope.PARTY, Scope.COMMITTEE)
        }
    client = reader(Client(), serving)
    data = client.get("/api/search/", {"q": "直通针", "per_page": 50}).json()
    assert [hit["title"] for hit in data["results"]] == [items[(WJ, Scope.PARTY)].title]
    assert data["total"] == 1
    page = client.get("/search/", {"q": "直通针"}).content.decode()
    assert items[(WJ, Scope.PARTY)].url in page
    assert all(items[key].url not in page for key in [(WJ, Scope.COMMITTEE), (ZJ, Scope.PARTY), (ZJ, Scope.COMMITTEE)])
    DisclosureMonitor.objects.filter(pk=serving.pk).update(term_ends=today() - DAY)
    assert reader(Client(), serving).get("/api/search/", {"q": "直通针"}).json()["total"] == 0


# --- the public list ------------------------------------------------------------------------------------


def test_each_unit_publishes_its_current_monitors(client, user_named, unit, serving):
    wj = unit(WJ)
    monitor_appoint(actor=user_named("wj_supervisor"), unit=wj, name="已期满者", identity=MonitorIdentity.MEMBER,
                    term_starts=today() - 60 * DAY, term_ends=today() - DAY)
    monitor_appoint(actor=user_named("wj_supervisor"), unit=wj, name="未到任者", identity=MonitorIdentity.MEMBER,
                    term_starts=today() + DAY, term_ends=today() + 60 * DAY)
    response = client.get(f"/units/{wj.pk}/monitors/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "在聘监督员" in page and "普通党员" in page and "吴江" in page and "党代表" in page
    assert "已期满者" not in page and "未到任者" not in page
    assert "jdy_serving" not in page and "jdy_wujiang" not in page  # no account names
    assert f"/units/{wj.pk}/monitors/" in client.get(wj.url).content.decode()  # linked from the unit page
    zj = client.get(f"/units/{unit(ZJ).pk}/monitors/").content.decode()
    assert "没有在聘期内的党务公开监督员" in zj
    assert client.get("/units/999999999/monitors/").status_code == 404
    assert client.get("/units/abc/monitors/").status_code == 404
