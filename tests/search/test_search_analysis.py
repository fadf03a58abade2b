"""Chinese analysis helpers (pure functions)."""

from __future__ import annotations

import re

import pytest

from search.analysis import (
    compile_highlighter,
    expand,
    find_matches,
    highlight_html,
    index_text,
    index_tokens,
    merge_adjacent_marks,
    normalize,
    parse_query,
    parse_synonym_group,
    phrase_for_chunk,
    query_chunks,
)


def test_normalize_width_and_case_keep_length() -> None:
    assert normalize("ＡＢＣ１２３　党费") == "abc123 党费"
    text = "İstanbul ＡＢＣ"
    assert len(normalize(text)) == len(text)  # İ lowercases to two characters: kept as is


def test_index_tokens_bigrams_with_tail() -> None:
    assert index_tokens("党费收缴") == ["党费", "费收", "收缴", "缴"]
    assert index_tokens("党") == ["党"]
    assert index_tokens("2025年党费，ABC！入党") == ["2025", "年党", "党费", "费", "abc", "入党", "党"]
    assert index_tokens("😀 … _ ") == []


def test_index_text_is_what_fts_splits() -> None:
    text = "关于２０２５年《党费收缴》情况的公示（第1号）：v2.0 Web门户_测试"
    assert re.split(r"[\W_]+", index_text(text).strip()) == index_tokens(text)


def test_characters_apart_give_no_shared_bigram() -> None:
    assert "党费" not in index_tokens("党员费用")


def test_phrase_for_chunk_mirrors_index_tokens() -> None:
    p = phrase_for_chunk("党费")
    assert p is not None and p.tokens == ("党费",) and not p.prefix and not p.unigram
    p = phrase_for_chunk("党")
    assert p is not None and p.tokens == ("党",) and p.prefix and p.unigram
    p = phrase_for_chunk("2025年")
    assert p is not None and p.tokens == ("2025", "年") and p.prefix and p.unigram
    # Inside the chunk the run really ends, so its tail is part of the phrase.
    p = phrase_for_chunk("党费2025")
    assert p is not None and p.tokens == ("党费", "费", "2025") and not p.prefix
    # ... and the phrase is a contiguous slice of the document's tokens.
    doc = index_tokens("缴党费2025年")
    assert " ".join(p.tokens) in " ".join(doc)
    assert phrase_for_chunk("😀") is None


def test_query_chunks_drop_every_operator() -> None:
    assert query_chunks('"党费" AND (收缴) OR title:x* \\ 😀 NOT-y') == [
        "党费",
        "and",
        "收缴",
        "or",
        "title",
        "x",
        "not",
        "y",
    ]
    assert query_chunks("") == []


def test_expand_synonyms_both_ways_and_inside_words() -> None:
    groups = [{"纪委", "纪律检查委员会"}]
    assert expand("纪委", groups) == ["纪委", "纪律检查委员会"]
    assert expand("纪律检查委员会", groups) == ["纪律检查委员会", "纪委"]
    assert expand("市纪委 报告", groups) == ["市纪委 报告", "市纪律检查委员会 报告"]
    assert expand("党费", groups) == ["党费"]
    assert expand("", groups) == []


def test_expand_merges_groups_and_caps_combinations() -> None:
    groups = [{"纪委", "纪检委"}, {"纪委", "纪律检查委员会"}, {"单字"}]
    assert set(expand("纪委", groups)) == {"纪委", "纪检委", "纪律检查委员会"}
    many = [{f"词{i}", f"语{i}"} for i in range(10)]
    query = " ".join(f"词{i}" for i in range(10))
    assert len(expand(query, many, limit=16)) == 16


def test_expand_prefers_longest_term() -> None:
    groups = [{"三重一大", "重大事项集体决策"}, {"三重一大事项", "三重一大决策事项"}]
    assert expand("三重一大事项", groups) == ["三重一大事项", "三重一大决策事项"]


def test_parse_synonym_group() -> None:
    assert parse_synonym_group("纪委 ↔ 纪律检查委员会, 纪检委，市纪委、 <-> 区纪委") == {
        "纪委",
        "纪律检查委员会",
        "纪检委",
        "市纪委",
        "区纪委",
    }
    assert parse_synonym_group(" , ") == set()


def test_parse_query_alternatives() -> None:
    alts = parse_query("纪委 报告", [{"纪委", "纪律检查委员会"}])
    assert [[p.text for p in alt] for alt in alts] == [["纪委", "报告"], ["纪律检查委员会", "报告"]]
    assert parse_query("😀 !!") == []


def test_parse_query_is_bounded() -> None:
    from search.analysis import MAX_CHUNKS, MAX_PHRASES

    many = [{f"词{i}", f"语{i}"} for i in range(40)]
    alts = parse_query(" ".join(f"词{i}" for i in range(40)), many)
    assert all(len(alt) <= MAX_CHUNKS for alt in alts)
    assert sum(len(alt) for alt in alts) <= MAX_PHRASES
    assert [p.text for p in alts[0]] == [f"词{i}" for i in range(MAX_CHUNKS)]


def test_find_matches_overlapping_and_word_boundaries() -> None:
    pattern = compile_highlighter(["党费", "费收缴"])
    assert find_matches("党费收缴", pattern) == [(0, 4)]
    words = compile_highlighter(["web"])
    assert find_matches("website web Ｗｅｂ门户", words) == [(8, 11), (12, 15)]


def test_highlight_escapes_everything_but_marks() -> None:
    pattern = compile_highlighter(["党费"])
    snippet = highlight_html("<script>alert('党费')</script> & 党费", pattern)
    assert snippet == "&lt;script&gt;alert(&#x27;<mark>党费</mark>&#x27;)&lt;/script&gt; &amp; <mark>党费</mark>"
    assert highlight_html("没有匹配", pattern, require_match=True) is None
    assert highlight_html("<b>无</b>", None) == "&lt;b&gt;无&lt;/b&gt;"


def test_highlight_window_centres_on_matches() -> None:
    pattern = compile_highlighter(["党费"])
    text = "前" * 500 + "党费" + "后" * 500
    snippet = highlight_html(text, pattern, size=60)
    assert snippet is not None
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>党费</mark>" in snippet
    assert len(snippet.replace("<mark>", "").replace("</mark>", "")) == 62


@pytest.mark.parametrize("text", ["", " ", "\n\n"])
def test_highlight_empty_text(text: str) -> None:
    assert highlight_html(text, compile_highlighter(["党费"])) == ""


def test_merge_adjacent_marks() -> None:
    assert merge_adjacent_marks("<mark>党费</mark><mark>收</mark>缴") == "<mark>党费收</mark>缴"


def test_traditional_becomes_simplified_one_for_one() -> None:
    from search.analysis import normalize

    assert normalize("黨費收繳 綜合利用") == "党费收缴 综合利用"
    text = "秸稈綜合利用 防汛搶險"
    assert len(normalize(text)) == len(text)  # offsets line up for the highlighter


def test_codes_and_document_numbers_have_one_key_however_typed() -> None:
    from search.analysis import code_key, doc_number_key

    assert code_key("5-2-1") == code_key("５－２－１") == code_key("5.2.1") == code_key(" 5—2—1 ") == "code:5-2-1"
    assert code_key("1-1") == "code:1-1"
    assert code_key("2025") is None and code_key("党费 1-1") is None
    assert doc_number_key("武区办〔2026〕7号") == doc_number_key("武区办[2026]7号") == doc_number_key("武区办2026 7号")
    assert doc_number_key("党费收缴") is None  # no digit: not a document number


def test_word_clause_only_when_segmentation_is_sure() -> None:
    from search.analysis import plan_query

    assert [[p.text for p in ws] for ws in plan_query("收缴党费").words] == [["收缴", "党费"]]
    assert [[p.text for p in ws] for ws in plan_query("批评与自我批评").words] == [["批评", "自我批评"]]
    assert plan_query("党费").words == []  # one word
    assert plan_query("党费收").words == []  # a lone 收 is not a function word: no word clause
