"""An approved item with a go-live time is published by the scheduler `make run` starts."""

from __future__ import annotations

import datetime
from io import StringIO
from unittest import mock

from django.core.management import call_command
from django.utils import timezone

from archive.selectors import records_for_item
from tests.builders import node_for

from .helpers import create_item, review


def test_approved_item_goes_live_at_its_time_when_the_scheduler_runs(client, people):
    go_live = timezone.localtime() + datetime.timedelta(hours=2)
    client.force_login(people["wj_editor"])
    item = create_item(
        client, node_for("韶关市/武江区/区委办", "1-1-3"), title="定时发布的事项", go_live_at=f"{go_live:%Y-%m-%d %H:%M}"
    )
    client.force_login(people["wj_reviewer"])
    assert review(client, item)["step"] == "success"
    item.refresh_from_db()
    assert not item.live
    assert item.get_latest_revision().approved_go_live_at is not None

    call_command("run_scheduler", "--once", stdout=StringIO())
    item.refresh_from_db()
    assert not item.live  # not yet

    later = timezone.now() + datetime.timedelta(hours=3)
    with mock.patch("django.utils.timezone.now", return_value=later):
        call_command("run_scheduler", "--once", stdout=StringIO())
    item.refresh_from_db()
    assert item.live
    assert records_for_item(item).filter(kind="publication").count() == 1
