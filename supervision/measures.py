"""What a criterion of the assessment (量化考核) measures for one unit in one year, with the rows behind it.

Every part of supervision that feeds the assessment answers with a `Measure`: how many of the things it
counts went right (`met`) out of how many there were (`total`), and one `Evidence` row per thing, so that
a score can always be explained by the rows behind it. A measure with nothing to count (`total == 0`) has
no ratio; the assessment decides what such a criterion scores (see its scheme).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Evidence:
    """One row behind a measure: what it is, what was found, whether it counts as met."""

    label: str  # e.g. "1-1-4 党费收缴使用情况（2026年第1季度）"
    detail: str  # e.g. "2026-04-09 发布，期限 2026-04-10"
    met: bool
    url: str = ""  # where a superior can see the thing itself (admin or public), when there is one


@dataclass(frozen=True)
class Measure:
    met: int
    total: int
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    note: str = ""  # a sentence on how it was counted, shown with the score

    @property
    def ratio(self) -> float | None:
        return None if self.total == 0 else self.met / self.total

    @classmethod
    def of(cls, evidence: list[Evidence] | tuple[Evidence, ...], note: str = "") -> Measure:
        rows = tuple(evidence)
        return cls(met=sum(1 for row in rows if row.met), total=len(rows), evidence=rows, note=note)
