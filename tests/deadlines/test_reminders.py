"""`manage.py send_reminders`: editors get their unit's due and overdue items, supervisors a summary; never twice."""

import io

import pytest
from django.core import mail
from django.core.management import call_command

from deadlines.models import ReminderLog
from tests.builders import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_emails(user_named):
    for username in ["wj_editor", "wj_supervisor", "sg_supervisor"]:
        user = user_named(username)
        user.email = f"{username}@example.cn"
        user.save()


def run(*args, today="2026-11-30"):
    out = io.StringIO()
    call_command("send_reminders", f"--today={today}", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def mail_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def test_editor_gets_due_soon_and_overdue_items_of_their_unit(with_emails):
    run("--days=10")
    [message] = mail_to("wj_editor@example.cn")
    assert "即将到期 1 项" in message.subject and "已逾期" in message.subject
    # November's zero-report month is due 12/7 (12/5 is a Saturday), within 10 days of 11/30.
    assert "1-1-5 党员发展情况 · 2026年11月 · 应于 2026-12-07 前公开 · 即将到期" in message.body
    assert "2026年10月 · 应于 2026-11-05 前公开 · 已逾期25天" in message.body
    assert "【韶关市/武江区/区委办】" in message.body and "浈江区" not in message.body


def test_supervisors_get_one_summary_of_their_reach(with_emails):
    run()
    [district] = mail_to("wj_supervisor@example.cn")
    [city] = mail_to("sg_supervisor@example.cn")
    assert "督查汇总" in district.subject
    assert "【韶关市/武江区/区编办】" in district.body and "浈江区" not in district.body
    assert "【韶关市/浈江区/区委办】" in city.body and "龙口市" not in city.body


def test_second_run_the_same_day_sends_nothing_new(with_emails):
    first = run()
    sent = len(mail.outbox)
    # wj_editor, wj_supervisor, sg_supervisor, and hn_editor (惠农区委), whose demo persona has an address
    assert sent == 4 and "完成：已发送 4 封" in first
    logged = ReminderLog.objects.count()
    second = run()
    assert len(mail.outbox) == sent and ReminderLog.objects.count() == logged
    assert "完成：已发送 0 封" in second


def test_a_newly_due_period_is_sent_the_next_time(with_emails):
    run("--days=0")
    mail.outbox.clear()
    run("--days=10")
    [message] = mail_to("wj_editor@example.cn")
    assert "即将到期 1 项" in message.subject and "已逾期" not in message.subject


def test_dry_run_sends_and_records_nothing(with_emails):
    out = run("--dry-run")
    assert not mail.outbox and not ReminderLog.objects.exists()
    assert "演练，不发送" in out and "将发送 4 封" in out


def test_people_without_email_are_told_in_the_admin_inbox(with_emails):
    from notices.models import Notice

    make_user("wj_editor2", unit_path="韶关市/武江区/区委办", role="editor")
    out = run()
    assert "wj_editor2" in out and "站内消息（未填写邮箱，未发邮件）" in out
    notice = Notice.objects.get(user__username="wj_editor2", kind="reminder")
    assert "公开时限提醒" in notice.subject and "已逾期" in notice.subject
    assert ReminderLog.objects.filter(user__username="wj_editor2").exists()
    # Told once: the next run sends nothing new.
    run()
    assert Notice.objects.filter(user__username="wj_editor2", kind="reminder").count() == 1


def test_bad_days_is_a_clear_error():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--days 应在 0 到 60 之间"):
        run("--days=-1")
