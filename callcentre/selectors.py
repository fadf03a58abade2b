"""Reads of the call centre: the public's search, the read-aloud text of an item, the figures.

Operators act for the public: they find and read out exactly what the anonymous public finds
(search.selectors.public_search, disclosure_pages.selectors.public_items), whatever else their
account might be allowed to read."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from wagtail.models import Page

from disclosure_pages.models import DisclosureItemPage
from disclosure_pages.selectors import public_items
from search.indexing import html_to_text
from search.query import SearchQuery, SearchResults
from search.selectors import public_search

from .choices import CallOutcome
from .models import CallRecord

SHANGHAI = ZoneInfo("Asia/Shanghai")
RESULTS_PER_PAGE = 20


def console_search(text: str, *, page: int = 1) -> SearchResults:
    """The public search, as /search/ runs it for the anonymous. Raises when the index is down."""
    return public_search(SearchQuery(q=text, page=page, per_page=RESULTS_PER_PAGE))


def console_item(pk: int | None) -> DisclosureItemPage | None:
    """A public, live item (under live ancestors), or None."""
    if pk is None:
        return None
    return public_items().filter(pk=pk).first()


def console_items(ids) -> list[DisclosureItemPage]:
    """Those of `ids` that are public now, in the order given."""
    found = {item.pk: item for item in public_items().filter(pk__in=list(ids))}
    return [found[pk] for pk in ids if pk in found]


@dataclass
class ReadAloud:
    """An item as an operator reads it over the phone: the essentials first, then the text."""

    title: str
    unit: str
    date: datetime.date | None
    doc_number: str
    period: str
    catalogue: str
    body_lines: list[str] = field(default_factory=list)
    table_lines: list[str] = field(default_factory=list)


def read_aloud(item: DisclosureItemPage) -> ReadAloud:
    published = item.first_published_at or item.last_published_at
    node = item.catalog_node
    unit = item.unit
    return ReadAloud(
        title=item.title,
        unit=unit.display_name if unit is not None else "",
        date=timezone.localtime(published, SHANGHAI).date() if published else None,
        doc_number=item.doc_number,
        period=item.period_label,
        catalogue=f"{node.code} {node.title}" if node is not None else "",
        body_lines=html_to_text(item.body).splitlines(),
        table_lines=[line for line in item.tables_text().splitlines() if line.strip()],
    )


@dataclass
class CallFigures:
    """Calls of one year: ``months[m][outcome]`` for m in 1..12 and every outcome value (zeros
    included), ``by_outcome[outcome]``, and ``total``. Outcome values are
    ``callcentre.choices.CallOutcome``; ``labels`` gives their Chinese names."""

    year: int
    region: str
    total: int
    months: dict[int, dict[str, int]]
    by_outcome: dict[str, int]
    labels: dict[str, str]


def call_figures(year: int, region: Page | None = None) -> CallFigures:
    """Counts of the call log for the annual report (年度报告): per month (Asia/Shanghai) and
    outcome. With `region` (a region or unit page), only the calls that concern it: a cited item,
    or a request or feedback filed for the caller, lies in its subtree. Each call counts once."""
    start = datetime.datetime(year, 1, 1, tzinfo=SHANGHAI)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=SHANGHAI)
    calls = CallRecord.objects.filter(started_at__gte=start, started_at__lt=end)
    if region is not None:
        concerns = (
            Q(items__path__startswith=region.path)
            | Q(disclosure_request__unit__path__startswith=region.path)
            | Q(feedback__unit__path__startswith=region.path)
        )
        calls = CallRecord.objects.filter(pk__in=calls.filter(concerns).values("pk"))
    rows = (
        calls.annotate(month=ExtractMonth("started_at", tzinfo=SHANGHAI))
        .values("month", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    months = {m: dict.fromkeys(CallOutcome.values, 0) for m in range(1, 13)}
    by_outcome = dict.fromkeys(CallOutcome.values, 0)
    for row in rows:
        months[row["month"]][row["outcome"]] = row["n"]
        by_outcome[row["outcome"]] = by_outcome.get(row["outcome"], 0) + row["n"]
    return CallFigures(
        year=year,
        region=region.title if region is not None else "",
        total=sum(by_outcome.values()),
        months=months,
        by_outcome=by_outcome,
        labels=dict(CallOutcome.choices),
    )
