"""点题 with a due date on working days, a number and a query code to follow it, and overdue ones on the
dashboards of the unit's handlers and its supervisors.

《龙口市科技局党支部党务公开工作实施方案》: 点题式公开事项“在5日内受理申请，15日内以适当形式公开”.
Due dates are counted by hand below on the holiday calendar the deadlines app seeds for 2026.
"""

from __future__ import annotations

import datetime
import re

from django.utils import timezone

from participation.choices import FeedbackKind
from participation.models import Feedback
from participation.selectors import find_topic
from participation.services import feedback_reply, topic_submit, topic_verify

from .conftest import LK, WJ, at

D = datetime.date.fromisoformat
TOPIC_NOT_FOUND = "点题编号或查询码不正确，或该点题不存在。"


def give_topic(client, unit_page, content="希望公开本支部2026年发展党员计划。"):
    return client.post(
        f"/feedback/unit/{unit_page.pk}/",
        {"kind": "topic", "content": content, "name": "", "contact": "", "website": ""},
    )


def check(client, number, code):
    return client.post("/feedback/topics/status/", {"tracking_number": number, "code": code})


# --- due dates ----------------------------------------------------------------------------------


def test_due_date_skips_the_weekends(unit):
    # Thursday 2026-03-05. Counting from the next day: Fri 3-06 (1); 3-09..3-13 (2–6); 3-16..3-20 (7–11);
    # 3-23, 24, 25, 26 (12–15). Three weekends are passed over; no holiday in March.
    created = topic_submit(unit=unit(WJ), content="点题", at=at("2026-03-05"))
    assert created.topic.due_date == D("2026-03-26")


def test_due_date_skips_the_national_day_holiday_and_counts_the_makeup_saturday(unit):
    # Tuesday 2026-09-29: Wed 9-30 (1); 国庆节 10-01..10-07 off; Thu 10-08 (2), Fri 10-09 (3), Sat 10-10
    # 调休上班 (4), Sun 10-11 off; 10-12..10-16 (5–9); 10-19..10-23 (10–14); weekend; Mon 10-26 (15).
    created = topic_submit(unit=unit(WJ), content="点题", at=at("2026-09-29"))
    assert created.topic.due_date == D("2026-10-26")


def test_the_status_page_shows_how_the_due_date_was_counted(client, unit):
    created = topic_submit(unit=unit(WJ), content="希望公开党费使用情况。", at=at("2026-09-29"))
    assert check(client, created.topic.tracking_number, created.secret_code).status_code == 302
    page = client.get(f"/feedback/topics/status/{created.topic.tracking_number}/").content.decode()
    assert "2026年10月26日" in page
    assert "10月1日（国庆节）" in page and "10月7日（国庆节）" in page and "10月10日" in page
    assert "已超期未答复" in page  # today (the machine's) is after 2026-10-26 and nobody answered


def test_an_opinion_gets_no_number_and_no_due_date(client, unit):
    client.post(
        f"/feedback/unit/{unit(WJ).pk}/",
        {"kind": "opinion", "content": "建议按季度公开。", "name": "", "contact": "", "website": ""},
    )
    opinion = Feedback.objects.get()
    assert opinion.tracking_number is None and opinion.due_date is None and opinion.secret_hash == ""


# --- number and code → the status page ---------------------------------------------------------------


def test_topic_gets_a_number_and_code_that_open_its_status_page(client, unit):
    response = give_topic(client, unit(WJ))
    assert response.status_code == 302 and response["Location"] == "/feedback/topics/received/"
    receipt = client.get(response["Location"]).content.decode()
    number = re.search(r'id="tracking-number">([^<]+)<', receipt).group(1)
    code = re.search(r'id="secret-code">([^<]+)<', receipt).group(1)
    topic = Feedback.objects.get()
    assert number == topic.tracking_number
    assert re.fullmatch(rf"DT-{timezone.localdate().year}-0*{topic.pk}", number) and len(number) >= 14
    assert f"{topic.due_date:%Y年%-m月%-d日}" in receipt
    assert code not in topic.secret_hash  # only a salted hash is kept
    assert "查询码只显示这一次" in receipt
    assert "DT-" not in client.get("/feedback/topics/received/").content.decode()  # shown once

    other = client.__class__()
    found = check(other, number.lower(), code.replace("-", "").lower())
    assert found.status_code == 302 and found["Location"] == f"/feedback/topics/status/{number}/"
    page = other.get(found["Location"]).content.decode()
    assert "希望公开本支部2026年发展党员计划。" in page and "待答复" in page and "单位尚未答复" in page


def test_the_reply_shows_on_the_status_page(client, unit, staff):
    created = topic_submit(unit=unit(WJ), content="希望公开党费使用情况。")
    feedback_reply(feedback=created.topic, actor=staff("wj_editor"), reply="已在党务公开栏公开，请查阅。")
    check(client, created.topic.tracking_number, created.secret_code)
    page = client.get(f"/feedback/topics/status/{created.topic.tracking_number}/").content.decode()
    assert "已在党务公开栏公开，请查阅。" in page and "已答复" in page and "按期答复" in page


def test_status_page_needs_the_code_in_this_session(client, unit):
    created = topic_submit(unit=unit(WJ), content="希望公开党费使用情况。")
    number = created.topic.tracking_number
    response = client.get(f"/feedback/topics/status/{number}/")
    assert response.status_code == 302 and response["Location"] == f"/feedback/topics/status/?number={number}"
    assert "希望公开党费使用情况" not in client.get(response["Location"]).content.decode()


def test_wrong_code_and_unknown_number_get_the_same_clear_message(client, unit):
    created = topic_submit(unit=unit(WJ), content="希望公开党费使用情况。")
    for number, code in (
        (created.topic.tracking_number, "AAAA-BBBB-CCCC"),
        ("DT-2026-999999", created.secret_code),
        ("YSQ-2026-000001", created.secret_code),  # a request's number is no 点题
        ("DT-2026-%00", created.secret_code),
    ):
        response = check(client, number, code)
        page = response.content.decode()
        assert response.status_code == 200 and TOPIC_NOT_FOUND in page, number
        assert "希望公开党费使用情况" not in page
    for number in ("\x00", f"{created.topic.tracking_number}\x00"):  # the form refuses a NUL itself
        response = check(client, number, created.secret_code)
        page = response.content.decode()
        assert response.status_code == 200 and "不允许" in page and "希望公开党费使用情况" not in page


def test_a_garbled_number_in_the_address_is_a_404_with_a_message(client, unit):
    topic_submit(unit=unit(WJ), content="点题")
    for address in ("/feedback/topics/status/%00/", "/feedback/topics/status/DT-2026-%00/", "/feedback/topics/status/abc/"):
        response = client.get(address)
        assert response.status_code == 404, address
        assert "点题编号格式不正确" in response.content.decode()


def test_a_number_not_of_the_issued_form_asks_the_database_nothing(unit, django_assert_num_queries):
    created = topic_submit(unit=unit(WJ), content="点题")
    number = created.topic.tracking_number
    assert find_topic(f" {number.lower()} ") == created.topic
    assert topic_verify(tracking_number=number, code=created.secret_code) == created.topic
    with django_assert_num_queries(0):
        for typed in ("\x00", f"{number}\x00", "1", number.replace("DT", "YSQ"), f"{number}/x", ""):
            assert find_topic(typed) is None
            assert topic_verify(tracking_number=typed, code=created.secret_code) is None


def test_a_topic_from_before_the_numbers_has_no_code_that_matches(unit):
    old = Feedback.objects.create(unit=unit(WJ), kind=FeedbackKind.TOPIC, content="旧点题", tracking_number="DT-2025-000001")
    for code in ("", "AAAA-BBBB-CCCC"):
        assert topic_verify(tracking_number=old.tracking_number, code=code) is None


def test_the_migration_backfills_due_dates_and_numbers_of_existing_topics(unit):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("participation.migrations.0005_topic_tracking_and_due_date")
    old = Feedback.objects.create(unit=unit(WJ), kind=FeedbackKind.TOPIC, content="旧点题", submitted_at=at("2026-09-29"))
    opinion = Feedback.objects.create(unit=unit(WJ), kind=FeedbackKind.OPINION, content="意见", submitted_at=at("2026-09-29"))
    migration.backfill_topics(apps, None)
    old.refresh_from_db()
    opinion.refresh_from_db()
    assert old.due_date == D("2026-10-26") and old.tracking_number == f"DT-2026-{old.pk:06d}"
    assert opinion.due_date is None and opinion.tracking_number is None


# --- overdue on the dashboards: the unit's handlers and its supervisors, nobody else -------------------


def test_overdue_topic_shows_on_the_dashboards_of_the_unit_and_its_supervisors_only(client, unit, staff, outsider_editor):
    overdue = topic_submit(unit=unit(WJ), content="希望公开主题党日安排。", at=at("2026-01-05")).topic
    answered = topic_submit(unit=unit(WJ), content="已答复的点题", at=at("2026-01-05")).topic
    feedback_reply(feedback=answered, actor=staff("wj_editor"), reply="已公开。")
    elsewhere = topic_submit(unit=unit(LK), content="龙口的点题", at=at("2026-01-05")).topic

    def dashboard(user) -> str:
        client.force_login(user)
        response = client.get("/admin/")
        assert response.status_code == 200
        return response.content.decode()

    for username in ("wj_editor", "wj_reviewer", "wj_supervisor", "sg_supervisor"):
        page = dashboard(staff(username))
        assert "逾期未答复的点题" in page and overdue.tracking_number in page, username
        assert answered.tracking_number not in page and elsewhere.tracking_number not in page, username
    page = dashboard(outsider_editor)
    assert overdue.tracking_number not in page and elsewhere.tracking_number in page


def test_a_topic_not_yet_due_is_not_on_the_dashboard(client, unit, staff):
    fresh = topic_submit(unit=unit(WJ), content="刚提交的点题").topic
    assert fresh.due_date > timezone.localdate()
    client.force_login(staff("wj_editor"))
    assert fresh.tracking_number not in client.get("/admin/").content.decode()


def test_feedback_list_filters_overdue_topics(client, unit, staff):
    overdue = topic_submit(unit=unit(WJ), content="逾期点题", at=at("2026-01-05")).topic
    fresh = topic_submit(unit=unit(WJ), content="刚提交的点题").topic
    client.force_login(staff("wj_editor"))
    page = client.get("/admin/participation/feedback/?kind=topic&state=overdue").content.decode()
    assert overdue.tracking_number in page and fresh.tracking_number not in page
    assert "已超期未答复" in page
