"""Chinese text analysis shared by every search backend.

Why bigrams: Chinese has no spaces, and dictionary segmentation (jieba) misses
words at ambiguous boundaries, while off-the-shelf tokenizers (FTS5 unicode61,
PostgreSQL 'simple') turn a whole sentence into one token, so 党费 finds nothing.
Overlapping bigrams (党费收缴 -> 党费 费收 收缴) find every substring of two or
more characters and nothing else: 党员费用 gives 党员 员费 费用, so a phrase query
for 党费 does not match it. This is the same idea as Elasticsearch's built-in
``cjk_bigram`` filter, so both backends agree on what matches.

Everything here is pure Python and independent of Django.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass

# Scripts that are written without spaces and get bigrams: CJK ideographs
# (incl. extension A and compatibility ideographs, 〇), kana and hangul, as in
# Elasticsearch's cjk_bigram filter.
_CJK_RANGES = (
    "\u3007"
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uac00-\ud7af"  # hangul syllables
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\U00020000-\U0003134f"  # CJK extensions B-G
)
_CJK_CHAR_RE = re.compile(f"[{_CJK_RANGES}]")
# A run is either CJK characters or other letters/digits (a "word"); anything
# else (spaces, punctuation, symbols, emoji, underscore) separates runs.
_RUN_RE = re.compile(rf"([{_CJK_RANGES}]+)|([^\W_{_CJK_RANGES}]+)")
# Query chunks: maximal stretches of letters/digits/CJK. Punctuation, quotes,
# operators such as * : ( ) and emoji all act as separators, so no user
# character ever reaches a query syntax.
_CHUNK_SPLIT_RE = re.compile(r"[\W_]+")

# Full-width ASCII (Ａ-Ｚ, ０-９, ！-～) maps to half-width by a fixed offset; the
# ideographic space becomes a normal space. One character in, one out, so
# offsets in normalised text are offsets in the original (the highlighter
# relies on that).
_WIDTH_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH_TABLE[0x3000] = 0x20


# Only full-width letters and digits change tokens; full-width punctuation
# (，：（） in every Chinese sentence) separates words either way, so the
# costly translate() runs only for text with Ａ-Ｚ/０-９.
_WIDE_ALNUM_RE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def normalize(text: str) -> str:
    """Full-width -> half-width and lowercase, keeping the length unchanged."""
    if _WIDE_ALNUM_RE.search(text):
        text = text.translate(_WIDTH_TABLE)
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    # A few characters lowercase to two (e.g. 'İ'); keep those as they are so
    # that offsets still line up with the original text.
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)


def is_cjk(ch: str) -> bool:
    return _CJK_CHAR_RE.match(ch) is not None


def _bigrams(run: str) -> list[str]:
    return list(map(str.__add__, run, run[1:]))


def index_tokens(text: str) -> list[str]:
    """Tokens to index for ``text``.

    CJK runs give overlapping bigrams plus the run's last character on its own
    (the "tail"), so that every character starts at least one token: a
    one-character query 党 then becomes the prefix query 党* and finds 入党
    as well as 党费. A one-character run is indexed as itself. Other words are
    kept whole.
    """
    return index_text(text).split()


def index_text(text: str) -> str:
    """``index_tokens`` joined by spaces: pre-tokenised text for FTS5.

    This is the hot loop of indexing, hence the slicing trick: the 2-character
    slices at every position of a run are its bigrams followed by its last
    character alone (the tail), and a one-character run gives itself. (A
    single lookahead regex doing the same measured 7 % slower.)
    """
    parts: list[str] = []
    append = parts.append
    for cjk, word in _RUN_RE.findall(normalize(text)):
        if cjk:
            append(" ".join([cjk[i : i + 2] for i in range(len(cjk))]))
        else:
            append(word)
    return " ".join(parts)


@dataclass(frozen=True)
class Phrase:
    """One query chunk as a token phrase.

    ``prefix`` is set when the chunk ends in a lone CJK character: that
    character must be matched as a token prefix (see ``index_tokens``).
    ``unigram`` is set when the chunk contains a lone CJK character anywhere,
    which cannot be expressed with bigrams alone (Elasticsearch then uses a
    single-character sub-field).
    """

    text: str
    tokens: tuple[str, ...]
    prefix: bool
    unigram: bool


def phrase_for_chunk(chunk: str) -> Phrase | None:
    """Query tokens for one chunk, mirroring ``index_tokens``.

    The tail token is added after every CJK run except the last one: inside
    the chunk the run really ends there (the document has the tail too),
    while at the end of the chunk the document's run may go on (党费 must
    match 党费收缴, whose tokens are 党费 费收 收缴 缴).
    """
    chunk = normalize(chunk)
    runs = _RUN_RE.findall(chunk)
    if not runs:
        return None
    tokens: list[str] = []
    prefix = False
    unigram = False
    last = len(runs) - 1
    for i, (cjk, word) in enumerate(runs):
        if cjk:
            if len(cjk) == 1:
                tokens.append(cjk)
                unigram = True
                prefix = i == last
            else:
                tokens.extend(_bigrams(cjk))
                if i != last:
                    tokens.append(cjk[-1])
        else:
            tokens.append(word)
    return Phrase(text=chunk, tokens=tuple(tokens), prefix=prefix, unigram=unigram)


def query_chunks(text: str) -> list[str]:
    """Split normalised query text into chunks of letters, digits and CJK."""
    return [c for c in _CHUNK_SPLIT_RE.split(normalize(text)) if c]


# --- synonyms -------------------------------------------------------------

_GROUP_SPLIT_RE = re.compile(r"\s*(?:<->|↔|⇔|=|,|，|、|;|；|\n)\s*")


def parse_synonym_group(text: str) -> set[str]:
    """Terms of one synonym group written as "纪委 ↔ 纪律检查委员会, 纪检委"."""
    return {t.strip() for t in _GROUP_SPLIT_RE.split(text) if t.strip()}


def _merge_groups(synonyms: Iterable[Collection[str]]) -> dict[str, frozenset[str]]:
    """term -> every term it is synonymous with (itself included).

    Groups sharing a term are merged, so the relation is symmetric and
    transitive whatever order the editors typed the groups in.
    """
    groups: list[set[str]] = []
    for group in synonyms:
        terms = {normalize(t.strip()) for t in group if t and t.strip()}
        terms = {t for t in terms if query_chunks(t)}
        if len(terms) < 2:
            continue
        overlapping = [g for g in groups if g & terms]
        for g in overlapping:
            terms |= g
            groups.remove(g)
        groups.append(terms)
    return {term: frozenset(g) for g in groups for term in g}


def expand(query: str, synonyms: Iterable[Collection[str]] = (), limit: int = 16) -> list[str]:
    """Alternative phrasings of ``query`` with synonyms substituted.

    The normalised query comes first. Terms are matched as substrings (市纪委
    contains 纪委), longest first and without overlaps, and every combination
    of substitutions is produced up to ``limit`` alternatives.
    """
    text = normalize(query)
    table = _merge_groups(synonyms)
    if not table or not text:
        return [text] if text else []
    lengths = sorted({len(t) for t in table}, reverse=True)
    slots: list[list[str]] = []
    literal: list[str] = []
    i = 0
    while i < len(text):
        for n in lengths:
            term = text[i : i + n]
            if len(term) == n and term in table:
                if literal:
                    slots.append(["".join(literal)])
                    literal = []
                # The term as typed first, then the others in a stable order.
                slots.append([term, *sorted(table[term] - {term})])
                i += n
                break
        else:
            literal.append(text[i])
            i += 1
    if literal:
        slots.append(["".join(literal)])
    out: list[str] = []
    for combo in itertools.islice(itertools.product(*slots), limit):
        alt = "".join(combo)
        if alt not in out:
            out.append(alt)
    return out


MAX_CHUNKS = 12  # per alternative; further words are ignored
MAX_PHRASES = 64  # over all alternatives


def parse_query(query: str, synonyms: Iterable[Collection[str]] = (), limit: int = 16) -> list[list[Phrase]]:
    """The query as alternatives (OR) of phrase lists (AND).

    Both backends build their native query from this, so they agree on what
    matches: every chunk of an alternative must occur as a phrase. The size
    is bounded (MAX_CHUNKS, MAX_PHRASES) so that no query, however written,
    exceeds Elasticsearch's clause limit or makes FTS5 expand dozens of
    prefixes.
    """
    alternatives: list[list[Phrase]] = []
    seen: set[tuple[tuple[str, ...], ...]] = set()
    total = 0
    for alt in expand(query, synonyms, limit=limit):
        phrases = [p for p in map(phrase_for_chunk, query_chunks(alt)) if p is not None][:MAX_CHUNKS]
        key = tuple(p.tokens for p in phrases)
        if not phrases or key in seen:
            continue
        if alternatives and total + len(phrases) > MAX_PHRASES:
            break  # the query as typed always comes first and is always kept
        seen.add(key)
        alternatives.append(phrases)
        total += len(phrases)
    return alternatives


# --- highlighting ----------------------------------------------------------

MARK_OPEN = "<mark>"
MARK_CLOSE = "</mark>"


def _chunk_pattern(chunk: str) -> str:
    """A regex for a chunk in normalised text, with word boundaries where the
    chunk starts or ends with a non-CJK word (FTS matches whole words there)."""
    pattern = re.escape(chunk)
    if not is_cjk(chunk[0]):
        pattern = rf"(?<![^\W_{_CJK_RANGES}])" + pattern
    if not is_cjk(chunk[-1]):
        pattern = pattern + rf"(?![^\W_{_CJK_RANGES}])"
    return pattern


def compile_highlighter(chunks: Iterable[str]) -> re.Pattern[str] | None:
    """One regex matching any of the chunks, longest first."""
    unique = sorted({normalize(c) for c in chunks if c}, key=len, reverse=True)
    if not unique:
        return None
    return re.compile("|".join(_chunk_pattern(c) for c in unique))


def find_matches(text: str, pattern: re.Pattern[str] | None) -> list[tuple[int, int]]:
    """Merged (start, end) spans of matches in ``text``, overlaps allowed.

    A regex finditer does not report overlapping matches (党费 and 费收 in
    党费收), so the search restarts one character after each match start.
    """
    if pattern is None or not text:
        return []
    norm = normalize(text)
    spans: list[tuple[int, int]] = []
    pos = 0
    while True:
        m = pattern.search(norm, pos)
        if m is None:
            break
        start, end = m.span()
        if end == start:  # cannot happen with non-empty chunks; be safe
            pos = start + 1
            continue
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
        pos = start + 1
    return spans


def _best_window(spans: list[tuple[int, int]], length: int, size: int) -> tuple[int, int]:
    """The ``size``-character window covering the most matches, starting a
    little before the first match it covers so the reader gets context."""
    if length <= size:
        return 0, length
    if not spans:
        return 0, size
    best_start, best_count = spans[0][0], 0
    j = 0
    for i, (start, _end) in enumerate(spans):
        while j < len(spans) and spans[j][1] <= start + size:
            j += 1
        if j - i > best_count:
            best_start, best_count = start, j - i
    lead = min(size // 5, best_start)
    start = max(0, min(best_start - lead, length - size))
    return start, start + size


def highlight_html(
    text: str,
    pattern: re.Pattern[str] | None,
    size: int = 120,
    *,
    require_match: bool = False,
) -> str | None:
    """An HTML snippet of ``text`` with matches in <mark>, everything escaped.

    Only the markers are trusted HTML; document text (which may contain
    ``<script>``) is always escaped. Returns None when ``require_match`` is
    set and nothing matches.
    """
    text = " ".join(text.split())  # collapse whitespace and newlines for a one-line snippet
    spans = find_matches(text, pattern)
    if require_match and not spans:
        return None
    start, end = _best_window(spans, len(text), size)
    out: list[str] = ["…"] if start > 0 else []
    pos = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(html.escape(text[pos:s]))
        out.append(MARK_OPEN + html.escape(text[s:e]) + MARK_CLOSE)
        pos = e
    out.append(html.escape(text[pos:end]))
    if end < len(text):
        out.append("…")
    return "".join(out)


def merge_adjacent_marks(snippet: str) -> str:
    """Join <mark>党费</mark><mark>收</mark> into one mark.

    Elasticsearch highlights each overlapping bigram separately; merged marks
    read better and make both backends produce the same shape.
    """
    return snippet.replace(MARK_CLOSE + MARK_OPEN, "")


def iter_highlight_chunks(alternatives: Iterable[Iterable[Phrase]]) -> Iterator[str]:
    for phrases in alternatives:
        for phrase in phrases:
            yield phrase.text
