"""A small region of its own for the assessment's tests: 韶关市/考核测试区 with units 甲单位, 乙单位, 丙单位, each
with a three-row catalogue (1-1-1 年度, 1-1-2 季度, 1-1-3 即时), so that every row the criteria count is built
here and the expected figures can be worked out by hand. Year 2025 is judged on 2026-03-01: every period due.

甲单位's facts (the figures the tests compute by hand):
- 1-1-1 annual 2025: due 2025-01-15, published 2025-01-10 → 按时公开.
- 1-1-2 quarterly: Q1 (due 04-15) published 04-10 → 按时; Q2 (due 07-15) published 07-25 → 逾期; Q3, Q4 → 未公开.
- 1-1-3 immediate: 零上报 for Jan (02-03), Feb (03-03), Mar (04-02) → 零上报; an event on 04-10 published 04-12 →
  按时 (April is a month with events); 零上报 for May published 06-20 → 逾期; Jun–Dec nothing → 未公开 (7 months).
- requests (5 calendar days to accept, 15 from acceptance to answer, no roll-forward): R1 answered on time,
  R2 answered late, R3 refused in time, R4 never accepted (accept due 2026-01-03, overdue), R0 from 2024 (not counted).
- feedback: 点题 T1 answered in time, T2 answered late, T3 unanswered past its due date; 意见建议 O1 answered,
  O2 unanswered since 2025-12-01 (past 15 working days).
- 党员评议 ended 2025-11-30: 满意 3, 基本满意 1, 不满意 1; one ended in 2026 (not counted for 2025).
丙单位: two requests, one on time and one refused late. 乙单位: nothing at all.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from deadlines.selectors import find_scope
from disclosure_pages.services import catalog_install, region_get_or_create, unit_get_or_create
from participation.choices import FeedbackKind, RequestStatus
from participation.models import DisclosureRequest, Feedback, RuleSet
from supervision.choices import Satisfaction
from supervision.models import EvaluationPeriod, Rating
from tests.builders import make_item

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2026, 3, 1)
REGION = "韶关市/考核测试区"
JIA, YI, BING = f"{REGION}/甲单位", f"{REGION}/乙单位", f"{REGION}/丙单位"

CATALOG = {
    "levels": [
        {
            "code": "1",
            "name": "考核测试目录",
            "children": [
                {
                    "code": "1-1",
                    "name": "考核测试二级目录",
                    "children": [
                        {"code": "1-1-1", "name": "年度事项", "content": "年度事项", "scope": "社会", "schedule": "annual"},
                        {"code": "1-1-2", "name": "季度事项", "content": "季度事项", "scope": "社会", "schedule": "quarterly"},
                        {"code": "1-1-3", "name": "即时事项", "content": "即时事项", "scope": "社会", "schedule": "immediate"},
                    ],
                }
            ],
        }
    ]
}


def at(day: datetime.date | str) -> datetime.datetime:
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day)
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=SHANGHAI)


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def build_region():
    city = find_scope("韶关市")
    region, _ = region_get_or_create(parent=city, name="考核测试区", kind="区")
    units = {}
    for path in (JIA, YI, BING):
        unit, _ = unit_get_or_create(region=region, name=path.rsplit("/", 1)[1])
        catalog_install(unit=unit, catalog=CATALOG)
        units[path] = unit
    return region, units


def publish(unit_path: str, code: str, published: str, **period):
    zero = period.pop("zero", False)
    return make_item(unit_path, code, published=d(published), period=period, is_zero_report=zero)


def build_catalogue_facts():
    publish(JIA, "1-1-1", "2025-01-10", year=2025)
    publish(JIA, "1-1-2", "2025-04-10", year=2025, quarter=1)
    publish(JIA, "1-1-2", "2025-07-25", year=2025, quarter=2)
    for month, day in ((1, "2025-02-03"), (2, "2025-03-03"), (3, "2025-04-02")):
        publish(JIA, "1-1-3", day, year=2025, month=month, zero=True)
    publish(JIA, "1-1-3", "2025-04-12", event_date="2025-04-10")
    publish(JIA, "1-1-3", "2025-06-20", year=2025, month=5, zero=True)


def rule_set() -> RuleSet:
    return RuleSet.objects.create(
        name="考核测试时限", accept_days=5, accept_working_days=False, answer_days=15, answer_working_days=False,
        answer_from="accepted", roll_forward=False,
    )


def request(unit, rules: RuleSet, submitted: str, *, accepted=None, answered=None, refused=None) -> DisclosureRequest:
    status = RequestStatus.SUBMITTED
    if accepted:
        status = RequestStatus.ACCEPTED
    if answered:
        status = RequestStatus.ANSWERED
    if refused:
        status = RequestStatus.REFUSED
    return DisclosureRequest.objects.create(
        unit=unit, applicant_name="张三", request_text="申请公开", rule_set=rules, rules=rules.snapshot(), status=status,
        submitted_at=at(submitted), accepted_at=at(accepted) if accepted else None,
        answered_at=at(answered) if answered else None, refused_at=at(refused) if refused else None,
        refusal_reason="不属于本单位职责" if refused else "", outcome="disclosed" if answered else "",
    )


def build_requests(units):
    rules = rule_set()
    jia, bing = units[JIA], units[BING]
    request(jia, rules, "2024-12-20", accepted="2024-12-21", answered="2024-12-30")  # R0: 2024, not counted
    request(jia, rules, "2025-03-03", accepted="2025-03-05", answered="2025-03-15")  # R1: 03-05 ≤ 03-08, 03-15 ≤ 03-20
    request(jia, rules, "2025-05-05", accepted="2025-05-06", answered="2025-05-30")  # R2: 05-30 > 05-21
    request(jia, rules, "2025-06-02", refused="2025-06-04")  # R3: 06-04 ≤ 06-07
    request(jia, rules, "2025-12-29")  # R4: accept due 2026-01-03 < 2026-03-01
    request(bing, rules, "2025-08-01", accepted="2025-08-02", answered="2025-08-10")  # on time
    request(bing, rules, "2025-09-01", refused="2025-09-10")  # refused after 09-06
    return rules


def feedback(unit, kind, submitted: str, *, due=None, replied=None) -> Feedback:
    return Feedback.objects.create(
        unit=unit, kind=kind, content="希望公开", submitted_at=at(submitted), due_date=d(due) if due else None,
        reply="已答复" if replied else "", replied_at=at(replied) if replied else None,
    )


def build_feedback(units):
    jia = units[JIA]
    feedback(jia, FeedbackKind.TOPIC, "2025-04-01", due="2025-04-22", replied="2025-04-20")  # T1 met
    feedback(jia, FeedbackKind.TOPIC, "2025-05-01", due="2025-05-22", replied="2025-05-28")  # T2 late
    feedback(jia, FeedbackKind.TOPIC, "2025-11-01", due="2025-11-21")  # T3 overdue
    feedback(jia, FeedbackKind.OPINION, "2025-06-01", replied="2025-09-01")  # O1 answered
    feedback(jia, FeedbackKind.OPINION, "2025-12-01")  # O2 unanswered after 15 working days


def build_evaluation(units):
    jia = units[JIA]
    period = EvaluationPeriod.objects.create(
        target=jia, title="2025年度党员评议", starts_on=d("2025-11-01"), ends_on=d("2025-11-30")
    )
    for choice, n in ((Satisfaction.SATISFIED, 3), (Satisfaction.BASIC, 1), (Satisfaction.DISSATISFIED, 1)):
        for _ in range(n):
            Rating.objects.create(period=period, unit=jia, choice=choice)
    later = EvaluationPeriod.objects.create(
        target=jia, title="2026年第一次党员评议", starts_on=d("2026-01-05"), ends_on=d("2026-01-20")
    )
    Rating.objects.create(period=later, unit=jia, choice=Satisfaction.DISSATISFIED)
    return period


def build_all():
    region, units = build_region()
    build_catalogue_facts()
    build_requests(units)
    build_feedback(units)
    build_evaluation(units)
    return region, units


def scheme(region, weights: dict[str, str], *, year: int = 2025, empty: str = "exclude", title: str = "2025年度考核"):
    from decimal import Decimal

    from supervision.models import AssessmentScheme, SchemeCriterion

    made = AssessmentScheme.objects.create(region=region, year=year, title=title, empty_policy=empty)
    for order, (key, weight) in enumerate(weights.items()):
        SchemeCriterion.objects.create(scheme=made, key=key, weight=Decimal(weight), sort_order=order)
    return made


def constant_measure(unit, year):
    """A criterion function named by its dotted path, as the hotline's and inspections' will be."""
    from supervision.measures import Evidence, Measure

    return Measure.of([Evidence("甲", "", True), Evidence("乙", "", False), Evidence("丙", "", False), Evidence("丁", "", False)])
