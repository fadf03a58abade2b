"""What the search index stores about one published disclosure item.

The backends only ever see ``IndexDocument``; building one from a Wagtail
page happens in ``search.indexing`` so this module needs no Django models.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any


@dataclass(kw_only=True)
class IndexDocument:
    # keyword-only: twenty string fields are too easy to pass in the wrong order
    id: int
    title: str
    body: str = ""  # plain text, no HTML
    tables_text: str = ""
    attachments_text: str = ""
    region: str = ""  # nearest region, e.g. 武江区
    region_path: list[str] = field(default_factory=list)  # e.g. ["韶关市", "武江区"]
    unit: str = ""  # e.g. 区委办
    unit_path: str = ""  # e.g. 韶关市/武江区/区委办
    catalog_code: str = ""  # e.g. 1-1-1
    level1: str = ""
    level2: str = ""
    level3: str = ""
    year: int | None = None
    period: str = ""  # e.g. 2025年上半年
    time_limit: str = ""
    doc_number: str = ""
    published_at: datetime  # must be timezone-aware
    url: str = ""
    # Who may find it: its 公开范围 and the item's page-tree path (searches filter on both,
    # search.query.Visibility). Only public (社会) items are found by everyone.
    scope: str = "public"
    tree_path: str = ""

    def __post_init__(self) -> None:
        # Naive datetimes sort wrongly against aware ones and shift by the
        # server's time zone between backends; refuse them early.
        if self.published_at.tzinfo is None or self.published_at.utcoffset() is None:
            raise ValueError("IndexDocument.published_at must be timezone-aware")
        self.region_path = list(self.region_path)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["published_at"] = self.published_at.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IndexDocument:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        published = values.get("published_at")
        if isinstance(published, str):
            values["published_at"] = datetime.fromisoformat(published)
        return cls(**values)

    def meta_text(self) -> str:
        """Descriptive fields searched along with the text, so that 区委办 or
        a document number (文号) finds the item too."""
        parts = (self.unit_path, self.level1, self.level2, self.level3, self.period, self.doc_number, self.time_limit)
        return " ".join(part for part in parts if part)

    def exact_tokens(self) -> list[str]:
        """Index tokens for the catalogue code and 文号, so that a query that
        is exactly one of them finds these items first
        (``search.analysis.exact_tokens``)."""
        from search.analysis import exact_tokens

        return exact_tokens(catalog_code=self.catalog_code, doc_number=self.doc_number)

    def fingerprint(self) -> str:
        """A hash of everything indexed, to spot index entries that are stale.

        The timestamp is normalised to UTC so the same instant gives the same
        hash whatever time zone the caller used.
        """
        # Built by hand: dataclasses.asdict deep-copies and was a third of
        # the indexing time.
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["published_at"] = self.published_at.timestamp()
        payload = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.blake2b(payload.encode("utf-8"), digest_size=16).hexdigest()
