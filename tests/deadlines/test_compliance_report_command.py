"""`manage.py compliance_report`: one row per unit, catalogue code and period, in JSON or CSV."""

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.builders import make_item

from .conftest import TODAY

pytestmark = pytest.mark.django_db

WJ = "韶关市/武江区/区委办"
LK = "龙口市/市科技局党支部"


def report(*args, today=TODAY):
    out, err = io.StringIO(), io.StringIO()
    call_command("compliance_report", *args, f"--today={today.isoformat()}", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def rows_for(path, year=2026, **kwargs):
    out, _ = report(path, f"--year={year}", "--format=json", **kwargs)
    return json.loads(out)


def test_json_rows_have_exactly_the_agreed_keys():
    rows = rows_for("韶关市")
    assert rows and all(list(row) == ["unit", "code", "period", "due", "published", "state", "days_late"] for row in rows)
    assert {row["unit"].split("/")[0] for row in rows} == {"韶关市"}


def test_demo_unit_rows_for_2026():
    rows = {(row["code"], row["period"]): row for row in rows_for(WJ)}
    assert rows[("1-1-1", "2026")] == {
        "unit": WJ, "code": "1-1-1", "period": "2026", "due": "2026-01-15", "published": "2026-01-12",
        "state": "on_time", "days_late": 0,
    }
    assert rows[("1-1-4", "2026-H2")] | {} == {
        "unit": WJ, "code": "1-1-4", "period": "2026-H2", "due": "2027-01-15", "published": None,
        "state": "not_due", "days_late": 0,
    }
    # An event on 3/2 is due 3/7, a Saturday: 3/9. Published 3/6.
    assert rows[("1-1-5", "2026-03")]["state"] == "on_time" and rows[("1-1-5", "2026-03")]["due"] == "2026-03-09"
    # April's zero report is due 5/5, the last Labour Day holiday, so 5/6; it was published 5/6.
    assert rows[("1-1-5", "2026-04")] | {} == {
        "unit": WJ, "code": "1-1-5", "period": "2026-04", "due": "2026-05-06", "published": "2026-05-06",
        "state": "zero_report", "days_late": 0,
    }
    assert rows[("1-1-5", "2026-10")] == {
        "unit": WJ, "code": "1-1-5", "period": "2026-10", "due": "2026-11-05", "published": None,
        "state": "missing", "days_late": 19,
    }
    assert rows[("1-1-5", "2026-11")]["state"] == "not_due"
    assert len(rows) == 3 + 2 + 12


def test_late_publication_is_late_by_its_days():
    make_item(WJ, "1-1-5", title="九月发展党员公示", period={"event_date": "2026-09-30"}, published=datetime.date(2026, 10, 10))
    row = next(r for r in rows_for(WJ) if r["code"] == "1-1-5" and r["period"] == "2026-09")
    # 9/30 + 5 days = 10/5 (国庆节) → 10/8; published 10/10.
    assert (row["due"], row["published"], row["state"], row["days_late"]) == ("2026-10-08", "2026-10-10", "late", 2)


def test_earliest_publication_counts():
    make_item(WJ, "1-1-4", title="上半年党费（补充）", period={"year": 2026, "half": 1}, published=datetime.date(2026, 8, 1))
    row = next(r for r in rows_for(WJ) if r["code"] == "1-1-4" and r["period"] == "2026-H1")
    assert (row["published"], row["state"]) == ("2026-07-14", "on_time")


def test_unpublished_item_does_not_count():
    item = make_item(WJ, "1-1-5", title="十月事项", period={"event_date": "2026-10-12"}, published=datetime.date(2026, 10, 13))
    assert next(r for r in rows_for(WJ) if r["period"] == "2026-10")["state"] == "on_time"
    item.unpublish()
    assert next(r for r in rows_for(WJ) if r["period"] == "2026-10")["state"] == "missing"


def test_fixed_and_staged_nodes_owe_periods_only_for_what_happened():
    assert not [r for r in rows_for(LK) if r["code"] in ("3-1-2", "6-2-1")]
    make_item(LK, "3-1-2", title="支部换届选举结果", period={"event_date": "2026-09-30"}, published=datetime.date(2026, 10, 14))
    make_item(LK, "6-2-1", title="帮扶第一阶段", period={"event_date": "2026-06-01"}, published=datetime.date(2026, 6, 5))
    rows = {(r["code"], r["period"]): r for r in rows_for(LK)}
    fixed = rows[("3-1-2", "2026-09-30")]
    assert (fixed["due"], fixed["state"], fixed["days_late"]) == ("2026-10-13", "late", 1)
    assert rows[("6-2-1", "2026-06-01")]["state"] == "on_time"
    assert rows[("6-2-1", "2026-summary")] | {} == {
        "unit": LK, "code": "6-2-1", "period": "2026-summary", "due": "2026-12-31", "published": None,
        "state": "not_due", "days_late": 0,
    }


def test_csv_has_the_same_columns():
    out, err = report(WJ, "--year=2026", "--format=csv")
    lines = out.strip().splitlines()
    assert lines[0] == "unit,code,period,due,published,state,days_late"
    assert f"{WJ},1-1-5,2026-04,2026-05-06,2026-05-06,zero_report,0" in lines
    assert f"{WJ},1-1-4,2026-H2,2027-01-15,,not_due,0" in lines
    assert "共 17 行" in err and "零上报 1" in err


def test_unknown_path_is_a_clear_error():
    with pytest.raises(CommandError, match="找不到区域或单位“韶关市/不存在区”"):
        report("韶关市/不存在区", "--year=2026")


def test_bad_today_is_a_clear_error():
    with pytest.raises(CommandError, match="日期“2026-13-01”无效"):
        call_command("compliance_report", "韶关市", "--today=2026-13-01", stdout=io.StringIO())
