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

import functools
import hashlib
import html
import itertools
import re
import threading
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field

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


# Traditional characters (and the variants OpenCC folds) map to simplified
# ones, one character for one, for every CJK character (extension A, the
# unified block, compatibility ideographs): OpenCC's t2s conversion applied
# character by character. Whole-phrase conversion could change the length
# (and the highlighter needs offsets to line up), and for matching the
# character mapping is what counts: 黨費收繳 -> 党费收缴. Both backends use this
# table (Elasticsearch as a mapping char filter), so they agree.
_T2S_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


@functools.lru_cache(maxsize=1)
def t2s_table() -> dict[int, int]:
    """code point -> code point, built once per process from OpenCC (0.2 s)."""
    from opencc import OpenCC

    convert = OpenCC("t2s").convert
    table: dict[int, int] = {}
    for start, end in _T2S_RANGES:
        for cp in range(start, end + 1):
            ch = chr(cp)
            out = convert(ch)
            if out != ch and len(out) == 1:
                table[cp] = ord(out)
    return table


@functools.lru_cache(maxsize=1)
def _traditional_re() -> re.Pattern[str]:
    return re.compile("[" + "".join(map(chr, sorted(t2s_table()))) + "]")


def to_simplified(text: str) -> str:
    """Traditional -> simplified, one character for one."""
    if _traditional_re().search(text):
        return text.translate(t2s_table())
    return text


def normalize(text: str) -> str:
    """Full-width -> half-width, traditional -> simplified and lowercase,
    keeping the length unchanged."""
    if _WIDE_ALNUM_RE.search(text):
        text = text.translate(_WIDTH_TABLE)
    text = to_simplified(text)
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


# --- words (any order) ----------------------------------------------------------
#
# Bigram phrases find the query as typed; a reader who types 收缴党费 for
# text that says 党费收缴 needs the words in any order. Segmentation (rjieba,
# the Rust port of jieba, with the catalogues' wording added to its
# dictionary) gives the words; each word is then matched as a phrase of its
# own, so the word clause is as exact about each word as the phrase clause
# is about the whole. It only ever adds matches, ranked after the phrase
# matches; when segmentation is unsure (a lone character that is not a
# function word) no word clause is made, so precision never drops.

# One-character words that can be left out of the word clause.
SKIPPABLE_WORDS = frozenset("的和与及之了在或等对于把被为是年月日号届次")
MIN_DICTIONARY_WORD = 2
MAX_DICTIONARY_WORD = 8

_segmenter_lock = threading.RLock()
_segmenter = None
_dictionary: set[str] = set()


def _jieba():  # noqa: ANN202 - rjieba has no type hints
    global _segmenter
    if _segmenter is None:
        with _segmenter_lock:
            if _segmenter is None:
                import rjieba

                _segmenter = rjieba.Jieba()
    return _segmenter


def add_words(words: Iterable[str]) -> int:
    """Add words (catalogue wording, synonyms) to the segmenter's dictionary,
    so that 三重一大 or 民主生活会 stay one word. Returns how many were new."""
    new = [
        w
        for w in {normalize(w.strip()) for w in words if w}
        if MIN_DICTIONARY_WORD <= len(w) <= MAX_DICTIONARY_WORD and w not in _dictionary and _CJK_ONLY_RE.match(w)
    ]
    if not new:
        return 0
    segmenter = _jieba()
    with _segmenter_lock:
        for word in new:
            segmenter.add_word(word, None, None)
            _dictionary.add(word)
    return len(new)


_CJK_ONLY_RE = re.compile(f"^[{_CJK_RANGES}]+$")
# Where catalogue titles are cut into dictionary words.
_WORDING_SPLIT_RE = re.compile(rf"[^{_CJK_RANGES}]+|[和及与的、]")


def wording_words(titles: Iterable[str]) -> set[str]:
    """Dictionary words from catalogue titles: the stretches between
    punctuation and joining words (“三重一大”事项 -> 三重一大, 事项)."""
    return {
        part
        for title in titles
        for part in _WORDING_SPLIT_RE.split(normalize(title or ""))
        if MIN_DICTIONARY_WORD <= len(part) <= MAX_DICTIONARY_WORD
    }


def segment(text: str) -> list[str]:
    with _segmenter_lock:
        return list(_jieba().cut(text))


def _sub_words(word: str) -> list[str]:
    """The words inside one word we added (党费收缴 -> 党费, 收缴), when
    they cover all of it; else the word alone. Catalogue wording added to
    the dictionary (``add_words``) would otherwise make 党费收缴 one word and
    lose 收缴党费 from the any-order tier."""
    with _segmenter_lock:
        parts = [w for w in _jieba().cut_for_search(word) if 2 <= len(w) < len(word)]
    covered: set[int] = set()
    for part in parts:
        start = word.find(part)
        while start != -1:
            covered.update(range(start, start + len(part)))
            start = word.find(part, start + 1)
    return list(dict.fromkeys(parts)) if len(covered) == len(word) else [word]


def word_phrases(chunk: str) -> list[Phrase] | None:
    """The chunk's words as phrases, when segmentation splits it into two or
    more words; None when it does not (or is unsure)."""
    words: list[str] = []
    for cjk, other in _RUN_RE.findall(normalize(chunk)):
        if other:
            words.append(other)
            continue
        for word in segment(cjk):
            if len(word) >= 2:
                words.append(word)
            elif word not in SKIPPABLE_WORDS:
                return None
    if len(words) == 1 and words[0] in _dictionary:
        words = _sub_words(words[0])
    if len(words) < 2:
        return None
    phrases = [p for p in map(phrase_for_chunk, words) if p is not None]
    return phrases if len(phrases) >= 2 else None


# --- exact codes -------------------------------------------------------------------
#
# A catalogue code (1-1-4, 5-2-1) or a document number (文号) typed as the
# whole query finds the items that carry exactly it first. Both are indexed
# as one opaque token per item (a hash of the normalised value), matched by
# both backends alike.

_CODE_RE = re.compile(r"^\s*(\d{1,3})(?:\s*[-‐‑‒–—―－_.．·、/]\s*(\d{1,3})){1,3}\s*$")
_CODE_PART_RE = re.compile(r"\d{1,3}")
_DIGIT_RE = re.compile(r"\d")


def code_key(text: str) -> str | None:
    """“5－2－1”, “5.2.1” -> "code:5-2-1"; None for anything that is not a code."""
    text = normalize(text or "")
    if not _CODE_RE.match(text):
        return None
    return "code:" + "-".join(str(int(p)) for p in _CODE_PART_RE.findall(text))


def doc_number_key(text: str) -> str | None:
    """武区办〔2026〕7号, 武区办[2026]7号 and 武区办2026 7号 -> the same key
    (runs of CJK and of other letters/digits, in order); None unless the
    text has both a CJK character and a digit (as every 文号 has)."""
    runs = [cjk or other for cjk, other in _RUN_RE.findall(normalize(text or ""))]
    joined = " ".join(runs)
    if not runs or not _DIGIT_RE.search(joined) or not _CJK_CHAR_RE.search(joined):
        return None
    return "doc:" + joined


def key_token(key: str) -> str:
    """An index token for an exact key: letters and digits only, so that
    every tokenizer keeps it whole."""
    return "xk" + hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()


def exact_tokens(*, catalog_code: str = "", doc_number: str = "") -> list[str]:
    """The exact-key tokens of an indexed item."""
    keys = [code_key(catalog_code), doc_number_key(doc_number)]
    return [key_token(k) for k in keys if k]


def query_exact_tokens(query: str) -> list[str]:
    keys = {code_key(query), doc_number_key(query)}
    return sorted(key_token(k) for k in keys if k)


@dataclass
class QueryPlan:
    """What a query asks for, in tiers every backend ranks alike:

    1. ``exact``: items whose catalogue code or 文号 is the query;
    2. ``phrases``: the query as typed (and its synonyms) as bigram phrases;
    3. ``words``: the query's words in any order (see ``word_phrases``).

    Each tier is an OR of alternatives, each an AND of phrases."""

    phrases: list[list[Phrase]] = field(default_factory=list)
    words: list[list[Phrase]] = field(default_factory=list)
    exact: list[str] = field(default_factory=list)

    @property
    def alternatives(self) -> list[list[Phrase]]:
        return [*self.phrases, *self.words]

    def __bool__(self) -> bool:
        return bool(self.phrases or self.words or self.exact)


def plan_query(query: str, synonyms: Iterable[Collection[str]] = ()) -> QueryPlan:
    phrases = parse_query(query, synonyms)
    if not phrases:
        return QueryPlan()
    words: list[list[Phrase]] = []
    typed = [c for c in query_chunks(query)][:MAX_CHUNKS]
    split = False
    combined: list[Phrase] = []
    for chunk in typed:
        parts = word_phrases(chunk)
        if parts:
            split = True
            combined.extend(parts)
        elif (p := phrase_for_chunk(chunk)) is not None:
            combined.append(p)
    if split:
        words = [combined[: MAX_CHUNKS * 2]]
    return QueryPlan(phrases=phrases, words=words, exact=query_exact_tokens(query))


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
