"""The demo's 量化考核: a 2026 scheme over 武江区, set by 武江区委组织部 (wj_supervisor). Safe to run twice:
the scheme is found by its region and year, its criteria by key; weights already there are kept."""

from __future__ import annotations

from decimal import Decimal

# Every criterion of the registry, weights summing to 100.
DEMO_WEIGHTS = [
    ("timeliness", "25"),
    ("completeness", "15"),
    ("zero_reports", "10"),
    ("requests", "10"),
    ("feedback", "10"),
    ("satisfaction", "10"),
    ("opinions_answered", "10"),
    ("findings_closed", "10"),
]


def install_demo(sender=None, report=None, with_users=True, **kwargs) -> None:
    from django.contrib.auth import get_user_model

    from deadlines.selectors import find_scope

    from .models_assessment import AssessmentScheme, EmptyPolicy, SchemeCriterion

    region = find_scope("韶关市/武江区")
    if region is None:
        return
    owner = get_user_model().objects.filter(username="wj_supervisor").first() if with_users else None
    scheme, _ = AssessmentScheme.objects.get_or_create(
        region=region,
        year=2026,
        defaults={"title": "2026年度武江区党务公开工作量化考核", "empty_policy": EmptyPolicy.EXCLUDE, "created_by": owner},
    )
    for order, (key, weight) in enumerate(DEMO_WEIGHTS):
        SchemeCriterion.objects.get_or_create(
            scheme=scheme, key=key, defaults={"weight": Decimal(weight), "sort_order": order}
        )
