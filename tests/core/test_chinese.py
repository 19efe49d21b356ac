"""Chinese text for search (core.chinese, SPEC §11): bigrams and single characters, pinyin,
normalised queries."""

from hypothesis import given
from hypothesis import strategies as st

from core.chinese import (
    MAX_QUERY_CHARS,
    index_terms,
    pinyin_query,
    pinyin_terms,
    query_normalize,
    query_terms,
)


def matches(query: str, text: str) -> bool:
    """What the search does with operator="and": every query term is in the text's index."""
    index = set(index_terms(text).split())
    terms = query_terms(query_normalize(query)).split()
    return bool(terms) and all(t in index for t in terms)


def test_a_fragment_from_the_middle_of_a_name_finds_it_and_a_near_miss_does_not():
    assert matches("林雅", "枫林雅园") and matches("雅园", "枫林雅园")
    assert matches("充电桩", "电动车充电桩不足") and matches("桩", "电动车充电桩不足")
    assert not matches("雅苑", "枫林雅园")
    assert not matches("园雅", "枫林雅园")


def test_spaces_traditional_characters_and_full_width_forms_are_normalised():
    assert query_normalize(" 杏 坛\u3000") == "杏坛"
    assert matches("杏 坛", "杏坛东里") and matches("杏壇", "杏坛东里")
    assert query_normalize("ＱＲ００１") == "qr001" and matches("ＱＲ００１", "小区编码 QR001")


def test_a_long_query_is_cut_not_refused():
    assert len(query_normalize("枫" * 500)) == MAX_QUERY_CHARS
    assert query_normalize("") == "" and query_terms("") == ""


def test_pinyin_gives_full_syllables_and_initials():
    assert pinyin_terms("枫林雅园").split() == ["fenglinyayuan", "flyy"]
    assert pinyin_terms("QR001") == ""
    assert pinyin_query("FLYY") == "flyy" and pinyin_query("林雅") is None


HAN = st.text(alphabet="枫林雅园杏坛東里充电桩不足壇", min_size=1, max_size=20)


@given(HAN, st.data())
def test_every_fragment_of_a_chinese_text_finds_it_with_or_without_spaces(text, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    fragment = text[start:end]
    assert matches(fragment, text)
    assert matches(" ".join(fragment), text)


@given(HAN, HAN)
def test_a_query_matches_only_if_each_of_its_bigrams_is_in_the_text(query, text):
    norm = query_normalize(query)
    bigrams = {norm[i : i + 2] for i in range(len(norm) - 1)} or {norm}
    target = query_normalize(text)
    assert matches(query, text) == all(b in target for b in bigrams)
