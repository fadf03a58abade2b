"""Automatic pre-screen (自动预审) for the secrecy review: pure functions, no database.

It points the reviewer at what to check; it never decides. What it looks for:

- 密级标志 (classification marks). Party documents quote the secrecy law and talk about
  secrets all the time, so a bare word is not a mark:
  * always flagged: a marked level "秘密★1年", "机密★", "绝密 长期", "机密10年", and any ★/☆
    (the form's own star, whatever follows it);
  * 绝密 / 机密 / 秘密 on their own are flagged, except inside the usual compounds that name
    the category rather than mark the text: 国家秘密 (so 保守国家秘密法 is not a finding),
    商业秘密, 工作秘密, 军事秘密, 个人秘密, 秘密法, 机密性;
  * 内部 only as a marking: 内部资料 / 内部文件 / 内部材料 / 内部刊物 / 内部发行 / 内部使用 /
    内部参考 / 内部传阅 / 内部明电 / 内部事项, or a line or table cell that reads just "内部"
    (内部控制, 内部审计, 单位内部 are ordinary words).
- 居民身份证号码: 18 characters, a 6-digit area code, a real birth date (1900 to today),
  3-digit sequence and the GB 11643 check character (0-9 or X). Not inside a longer run of
  letters or digits. A number whose check character is wrong is not reported.
- 手机号码: 1[3-9] + 9 digits, optionally written 138-1234-5678 / 138 1234 5678 or with +86,
  not inside a longer run of digits.
- 银行卡号: 16–19 digits (or groups of four separated by spaces or hyphens) passing the Luhn
  check, not inside a longer run of digits and not already an ID number.

Full-width digits and letters (１３８…, Ｘ) are read as ASCII, so they are found too. Values are
reported masked (440203********123X, 138****5678, 6222********1234): findings are stored
with the task state and shown in mails and screens, which must not copy personal data.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from disclosure_pages.sanitising import html_text


class Kind:
    CLASSIFICATION = "classification"
    ID_CARD = "id_card"
    MOBILE = "mobile"
    BANK_CARD = "bank_card"


KIND_LABELS = {
    Kind.CLASSIFICATION: "密级标志",
    Kind.ID_CARD: "居民身份证号码",
    Kind.MOBILE: "手机号码",
    Kind.BANK_CARD: "银行卡号",
}


@dataclass(frozen=True)
class Finding:
    kind: str
    value: str  # masked for personal numbers
    source: str  # where: 标题 / 公开正文 / 标准表格 / 附件《…》
    context: str  # a few characters around it, the value masked

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    def as_dict(self) -> dict[str, str]:
        return {**asdict(self), "label": self.label}


# --- classification marks ------------------------------------------------------------------

_LEVEL = r"(?:绝密|机密|秘密)"
MARKED_LEVEL_RE = re.compile(
    rf"{_LEVEL}\s*[★☆*＊]\s*(?:\d+\s*年|长期)?|{_LEVEL}\s*(?:\d+|[一二三四五六七八九十]+)\s*年|{_LEVEL}\s*长期"
)
STAR_RE = re.compile(r"[★☆]")
BARE_LEVEL_RE = re.compile(r"(?<!国家)(?<!商业)(?<!工作)(?<!军事)(?<!个人)(?:绝密|机密|秘密)(?!法)(?!性)")
INTERNAL_RE = re.compile(
    r"内部(?:资料|文件|材料|刊物|发行|使用|参考|传阅|明电|事项)|^[ \t]*内部[ \t]*$",
    re.MULTILINE,
)

# --- personal numbers ----------------------------------------------------------------------

ID_RE = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}\d{2}\d{2}\d{3}[0-9Xx](?![0-9A-Za-z])")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
MOBILE_RE = re.compile(r"(?<![\d+])(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)")
BANK_RE = re.compile(r"(?<![\d-])(?:\d{16,19}|\d{4}(?:[ -]\d{4}){3}(?:[ -]?\d{1,3})?)(?![\d])")


def id_number_valid(number: str, *, today: datetime.date | None = None) -> bool:
    """An 18-character PRC resident ID: real birth date and the GB 11643 check character."""
    number = number.upper()
    if not re.fullmatch(r"[1-9]\d{16}[0-9X]", number):
        return False
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if birth.year < 1900 or birth > (today or datetime.date.today()):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11] == number[17]


def luhn_valid(digits: str) -> bool:
    if not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        n = int(char)
        if position % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def mask_id(number: str) -> str:
    return number[:6] + "*" * 8 + number[14:]


def mask_mobile(number: str) -> str:
    digits = _digits(number)[-11:]
    return f"{digits[:3]}****{digits[7:]}"


def mask_bank_card(number: str) -> str:
    digits = _digits(number)
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]


# --- scanning ------------------------------------------------------------------------------


# Full-width digits, letters, "+", "-", "*" (１３８…, Ｘ) to ASCII, one character for one,
# so that positions and the surrounding Chinese punctuation stay as written.
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F) if chr(code - 0xFEE0).isalnum() or chr(code - 0xFEE0) in "+-*"}
_FULLWIDTH[0x3000] = 0x20  # ideographic space


def normalise(text: str) -> str:
    return (text or "").translate(_FULLWIDTH)


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def scan_text(text: str, source: str = "", *, today: datetime.date | None = None) -> list[Finding]:
    """Every finding in one text, in reading order. A span is reported once, by its most specific kind."""
    text = normalise(text)
    hits: list[tuple[tuple[int, int], str, str]] = []  # (span, kind, shown)

    def add(match: re.Match, kind: str, shown: str) -> None:
        hits.append((match.span(), kind, shown))

    def free(match: re.Match) -> bool:
        return not _overlaps(match.span(), [span for span, _, _ in hits])

    for match in ID_RE.finditer(text):
        if id_number_valid(match.group(), today=today):
            add(match, Kind.ID_CARD, mask_id(match.group().upper()))
    for match in BANK_RE.finditer(text):
        digits = _digits(match.group())
        if 16 <= len(digits) <= 19 and luhn_valid(digits) and free(match):
            add(match, Kind.BANK_CARD, mask_bank_card(digits))
    for match in MOBILE_RE.finditer(text):
        if free(match):
            add(match, Kind.MOBILE, mask_mobile(match.group()))
    for pattern in (MARKED_LEVEL_RE, STAR_RE, BARE_LEVEL_RE, INTERNAL_RE):
        for match in pattern.finditer(text):
            if free(match):
                add(match, Kind.CLASSIFICATION, match.group().strip())
    hits.sort()

    # The context is cut from the text with every finding masked, so that no number
    # leaks through its neighbour's context.
    masked_parts: list[str] = []
    masked_spans: list[tuple[int, int]] = []
    cursor = length = 0
    for (start, end), _, shown in hits:
        masked_parts.append(text[cursor:start])
        length += start - cursor
        masked_parts.append(shown)
        masked_spans.append((length, length + len(shown)))
        length += len(shown)
        cursor = end
    masked_parts.append(text[cursor:])
    masked = "".join(masked_parts).replace("\n", " ")
    width = 12
    findings = []
    for ((_, _), kind, shown), (start, end) in zip(hits, masked_spans, strict=True):
        before = masked[max(0, start - width) : start]
        after = masked[end : end + width]
        context = f"{'…' if start > width else ''}{before}{shown}{after}{'…' if end + width < len(masked) else ''}"
        findings.append(Finding(kind=kind, value=shown, source=source, context=context))
    return findings


def scan_sources(sources: Iterable[tuple[str, str]], *, today: datetime.date | None = None) -> list[Finding]:
    """Scan (source label, text) pairs."""
    findings: list[Finding] = []
    for source, text in sources:
        findings.extend(scan_text(text, source, today=today))
    return findings


def item_sources(item) -> list[tuple[str, str]]:
    """What the pre-screen reads of an item (or of a revision's copy of it)."""
    sources = [("标题", item.title or ""), ("公开正文", html_text(item.body or "")), ("标准表格", item.tables_text())]
    for attachment in item.attachments.all():
        title = getattr(attachment.document, "title", "") if attachment.document_id else ""
        sources.append((f"附件《{title}》", attachment.extracted_text or ""))
    return sources


def scan_item(item, *, today: datetime.date | None = None) -> list[Finding]:
    return scan_sources(item_sources(item), today=today)


def summarise(findings: Iterable[Finding]) -> str:
    """'密级标志 1 处，手机号码 2 处' — for comments and mails."""
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.label] = counts.get(finding.label, 0) + 1
    return "，".join(f"{label} {n} 处" for label, n in counts.items())
