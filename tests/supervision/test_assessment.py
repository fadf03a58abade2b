"""量化考核: each criterion counted from rows built here, the scores and the ranking worked out by hand.

The facts are described in tests/supervision/assessment_fixtures.py; 2025 is judged on 2026-03-01.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from supervision.assessment import CRITERIA, Criterion, by_name, scheme_results
from supervision.measures import Measure
from tests.supervision import assessment_fixtures as fx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def judged_on_1_march_2026(monkeypatch):
    monkeypatch.setattr("deadlines.clock.today", lambda: fx.TODAY)


@pytest.fixture
def world():
    return fx.build_all()


def measure(key: str, unit_page, year: int = 2025) -> Measure:
    return CRITERIA[key].measure(unit_page, year)


def points(met: int, total: int) -> Decimal:
    return (Decimal(met) * 100 / Decimal(total)).quantize(Decimal("0.01"))


# --- each criterion ----------------------------------------------------------------------------------


def test_timeliness_counts_the_due_periods_published_on_time_or_zero_reported(world):
    region, units = world
    m = measure("timeliness", units[fx.JIA])
    # due periods: 1 annual + 4 quarters + 12 months = 17;
    # met: annual, Q1, 零上报 Jan/Feb/Mar, April's event = 6; not met: Q2 late, Q3, Q4 missing, May late, Jun–Dec missing
    assert (m.met, m.total) == (6, 1 + 4 + 12)
    assert sum(not row.met for row in m.evidence) == 1 + 2 + 1 + 7
    q2 = next(row for row in m.evidence if "1-1-2" in row.label and "第2季度" in row.label)
    assert not q2.met and "2025-07-25公开" in q2.detail and "逾期" in q2.detail
    assert "/admin/deadlines/node/" in q2.url


def test_timeliness_is_the_compliance_views_on_time_rate(world):
    from deadlines.selectors import compliance_rows, unit_reports

    region, units = world
    rollup = unit_reports(compliance_rows(units=[units[fx.JIA]], year=2025, today=fx.TODAY))[0].rollup
    m = measure("timeliness", units[fx.JIA])
    assert (m.met, m.total) == (rollup.met, rollup.due)


def test_completeness_counts_late_publications_as_present(world):
    region, units = world
    m = measure("completeness", units[fx.JIA])
    # the 6 on time or zero-reported + Q2 and May published late = 8 of the 17 due
    assert (m.met, m.total) == (6 + 2, 17)
    assert measure("completeness", units[fx.YI]).met == 0


def test_zero_reports_count_the_quiet_months_of_immediate_nodes(world):
    region, units = world
    m = measure("zero_reports", units[fx.JIA])
    # 12 months minus April (a month with an event) = 11; met: Jan, Feb, Mar; May was late, Jun–Dec missing
    assert (m.met, m.total) == (3, 11)
    assert not any("2025年4月" in row.label for row in m.evidence)
    assert (measure("zero_reports", units[fx.YI]).met, measure("zero_reports", units[fx.YI]).total) == (0, 12)


def test_requests_answered_or_refused_within_their_limits(world):
    region, units = world
    m = measure("requests", units[fx.JIA])
    # R1 met, R2 answered late, R3 refused in time (met), R4 overdue unaccepted; R0 is 2024's
    assert (m.met, m.total) == (2, 4)
    assert [row.met for row in m.evidence] == [True, False, True, False]
    assert "/admin/participation/requests/" in m.evidence[0].url
    assert (measure("requests", units[fx.BING]).met, measure("requests", units[fx.BING]).total) == (1, 2)


def test_a_request_still_within_its_limit_is_not_counted(world):
    region, units = world
    from participation.models import RuleSet

    fx.request(units[fx.YI], RuleSet.objects.get(name="考核测试时限"), "2026-02-27")
    m = measure("requests", units[fx.YI], 2026)  # accept due 2026-03-04, after 2026-03-01
    assert (m.met, m.total) == (0, 0)


def test_feedback_topics_by_their_due_dates_and_opinions_once_answered(world):
    region, units = world
    m = measure("feedback", units[fx.JIA])
    # T1 met, T2 late, T3 overdue; O1 answered (met), O2 unanswered past 15 working days
    assert (m.met, m.total) == (2, 5)
    assert [row.met for row in m.evidence] == [True, False, True, False, False]


def test_feedback_within_its_limit_is_not_counted(world):
    from participation.choices import FeedbackKind

    region, units = world
    fx.feedback(units[fx.YI], FeedbackKind.OPINION, "2026-02-26")  # 15 working days later is after 03-01
    fx.feedback(units[fx.YI], FeedbackKind.TOPIC, "2026-02-20", due="2026-03-13")
    assert measure("feedback", units[fx.YI], 2026).total == 0


def test_satisfaction_counts_satisfied_and_basically_satisfied(world):
    region, units = world
    m = measure("satisfaction", units[fx.JIA])
    # the 2025 period: 满意 3 + 基本满意 1 of 5 ratings; the period that ended in 2026 is not 2025's
    assert (m.met, m.total) == (3 + 1, 5)
    assert [row.detail for row in m.evidence] == ["满意"] * 3 + ["基本满意"] + ["不满意"]


def test_a_running_evaluation_does_not_count(world, monkeypatch):
    region, units = world
    monkeypatch.setattr("deadlines.clock.today", lambda: fx.d("2025-11-30"))  # the last day: not over yet
    assert measure("satisfaction", units[fx.JIA]).total == 0


# --- scores -------------------------------------------------------------------------------------------

WEIGHTS = {"timeliness": "30", "completeness": "20", "zero_reports": "10", "requests": "15", "feedback": "15", "satisfaction": "10"}


def test_the_total_is_the_weighted_mean_times_100(world):
    region, units = world
    results = scheme_results(fx.scheme(region, WEIGHTS))
    jia = next(r for r in results if r.unit.pk == units[fx.JIA].pk)
    # (30×6/17 + 20×8/17 + 10×3/11 + 15×2/4 + 15×2/5 + 10×4/5) ÷ 100 × 100
    #  = 180/17 + 160/17 + 30/11 + 7.5 + 6 + 8 = 20 + 2.727… + 21.5 = 44.227… → 44.23
    exact = (30 * Fraction(6, 17) + 20 * Fraction(8, 17) + 10 * Fraction(3, 11) + 15 * Fraction(2, 4)
             + 15 * Fraction(2, 5) + 10 * Fraction(4, 5)) / 100 * 100
    assert round(float(exact), 2) == 44.23
    assert jia.total == Decimal("44.23")
    assert [s.points for s in jia.scores] == [points(6, 17), points(8, 17), points(3, 11), Decimal("50.00"), Decimal("40.00"), Decimal("80.00")]


def test_weights_may_be_decimals_and_need_not_sum_to_100(world):
    region, units = world
    results = scheme_results(fx.scheme(region, {"requests": "1.5", "feedback": "0.5"}))
    jia = next(r for r in results if r.unit.pk == units[fx.JIA].pk)
    # (1.5 × 2/4 + 0.5 × 2/5) ÷ (1.5 + 0.5) × 100 = (0.75 + 0.2) ÷ 2 × 100 = 47.5
    assert jia.total == Decimal("47.50")


def test_nothing_to_count_is_left_out_or_full_marks_as_the_scheme_says(world):
    region, units = world
    made = fx.scheme(region, WEIGHTS)
    yi = next(r for r in scheme_results(made) if r.unit.pk == units[fx.YI].pk)
    # left out: requests, feedback, satisfaction have nothing; (30×0 + 20×0 + 10×0) ÷ 60 = 0
    assert yi.total == Decimal("0.00")
    assert [s.counted for s in yi.scores] == [True, True, True, False, False, False]
    made.empty_policy = "full"
    made.save()
    yi = next(r for r in scheme_results(made) if r.unit.pk == units[fx.YI].pk)
    # full marks: (0 + 0 + 0 + 15×1 + 15×1 + 10×1) ÷ 100 × 100 = 40
    assert yi.total == Decimal("40.00")
    assert yi.scores[3].points_text.startswith("100.00")


def test_the_ranking_orders_by_total_and_ties_share_a_rank(world):
    region, units = world
    results = scheme_results(fx.scheme(region, {"requests": "1"}))
    # 甲 2/4 = 50, 丙 1/2 = 50 (a tie, listed in tree order), 乙 has none and is left out: no total, last
    assert [(r.rank, r.unit.pk, r.total) for r in results] == [
        (1, units[fx.JIA].pk, Decimal("50.00")),
        (1, units[fx.BING].pk, Decimal("50.00")),
        (3, units[fx.YI].pk, None),
    ]


def test_the_ranking_of_the_full_scheme(world):
    region, units = world
    results = scheme_results(fx.scheme(region, WEIGHTS))
    # 甲 44.23; 丙 only requests counted beside the catalogue: (0 + 0 + 0 + 15×1/2) ÷ 75 × 100 = 10; 乙 0
    assert [(r.rank, r.unit_name.rsplit("/", 1)[1], r.total) for r in results] == [
        (1, "甲单位", Decimal("44.23")), (2, "丙单位", Decimal("10.00")), (3, "乙单位", Decimal("0.00")),
    ]


def test_the_ranking_runs_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    region, units = world
    made = fx.scheme(region, WEIGHTS)
    with django_assert_max_num_queries(40):
        scheme_results(made)


def test_a_criterion_is_one_entry(world, monkeypatch):
    region, units = world
    entry = Criterion("constant", "常量", "测试", by_name("tests.supervision.assessment_fixtures.constant_measure"))
    monkeypatch.setitem(CRITERIA, "constant", entry)
    results = scheme_results(fx.scheme(region, {"constant": "1", "requests": "1"}))
    # 1 of 4 = 25 for everyone, plus requests: 甲 (25 + 50) ÷ 2 = 37.5, 丙 the same, 乙 has no requests (left out): 25
    assert [(r.unit.pk, r.total) for r in results] == [
        (units[fx.JIA].pk, Decimal("37.50")), (units[fx.BING].pk, Decimal("37.50")), (units[fx.YI].pk, Decimal("25.00")),
    ]


@pytest.mark.parametrize("key", sorted(CRITERIA))
def test_each_criterion_counts_a_ranking_in_queries_that_do_not_grow_with_its_units(world, key):
    """Every criterion measures all the units of a ranking at once: the same number of queries for one
    unit as for three (the 直通车 and 整改 criteria ran theirs once per unit)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    region, units = world
    counts = []
    everyone = list(units.values())
    for some in (everyone[:1], everyone):
        with CaptureQueriesContext(connection) as queries:
            CRITERIA[key].measure_many(some, 2025)
        counts.append(len(queries))
    assert len(units) == 3 and counts[0] == counts[1], counts
