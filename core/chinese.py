"""Chinese text for search (SPEC §11): no spaces between words, so a query must find what it
names in the middle of a word, on SQLite and PostgreSQL alike, with no database extension.

The index holds each run of Chinese characters as its single characters and its character
bigrams (the idea of Lucene's CJK analyser); a query becomes its bigrams (a lone character stays
itself), searched with every term required. So 雅园 finds 枫林雅园 (bigram 雅园), 桩 finds
充电桩不足 (character 桩), and 雅苑 does not find 雅园 (no bigram 雅苑). Letters and digits stay
words. Pinyin (full, and initials) goes in an autocomplete field for the type-ahead: flyy and
fenglinyayuan both find 枫林雅园.

Both the index and the query pass through `normalize`: NFKC (full-width letters and digits become
half-width), lower case, traditional characters mapped to simplified (opencc t2s), so 杏壇 is 杏坛.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

MAX_QUERY_CHARS = 100
# Read no more than this of a raw query before normalising: a 500-character query is cut, cheaply.
RAW_QUERY_CHARS = 4 * MAX_QUERY_CHARS

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"[{_HAN}]+|[a-z0-9]+")
_HAN_RUN = re.compile(rf"[{_HAN}]+")
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # imported once, on first use: the converter loads its dictionaries

    return opencc.OpenCC("t2s")


def normalize(text: str) -> str:
    """NFKC, lower case, traditional → simplified."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return _t2s().convert(text) if _HAN_RUN.search(text) else text


def query_normalize(raw: str) -> str:
    """A search box's text as the search reads it: normalised, every space dropped (杏 坛 is
    杏坛), at most MAX_QUERY_CHARS characters."""
    text = _SPACE.sub("", normalize((raw or "")[:RAW_QUERY_CHARS]))
    return text[:MAX_QUERY_CHARS]


def _runs(text: str) -> list[str]:
    return _RUNS.findall(normalize(text))


# The search index asks for one page's terms once for each of its columns: the terms of the same
# texts are kept for the next ask (pure functions of their texts).
@lru_cache(maxsize=256)
def index_terms(*texts: str) -> str:
    """What the index holds for some text: every Chinese character and bigram, every word of
    letters or digits, once each, space-separated."""
    terms: dict[str, None] = {}
    for text in texts:
        for run in _runs(text or ""):
            if _HAN_RUN.fullmatch(run):
                terms.update(dict.fromkeys(run))
                terms.update(dict.fromkeys(run[i : i + 2] for i in range(len(run) - 1)))
            else:
                terms[run] = None
    return " ".join(terms)


def query_terms(query: str) -> str:
    """A normalised query as index terms, all of which must match: the bigrams of each run of
    Chinese characters (a lone character as itself), each word of letters or digits."""
    terms: dict[str, None] = {}
    for run in _runs(query):
        if _HAN_RUN.fullmatch(run) and len(run) > 1:
            terms.update(dict.fromkeys(run[i : i + 2] for i in range(len(run) - 1)))
        else:
            terms[run] = None
    return " ".join(terms)


@lru_cache(maxsize=256)
def pinyin_terms(*texts: str) -> str:
    """Full pinyin and initials of each text's Chinese (fenglinyayuan flyy), for prefix matching."""
    from pypinyin import lazy_pinyin

    terms: dict[str, None] = {}
    for text in texts:
        han = "".join(_HAN_RUN.findall(normalize(text or "")))
        if not han:
            continue
        syllables = lazy_pinyin(han, errors="ignore")
        terms["".join(syllables)] = None
        terms["".join(s[0] for s in syllables if s)] = None
    return " ".join(t for t in terms if t)


def pinyin_query(query: str) -> str | None:
    """The query as a pinyin prefix when it is letters only (flyy, fenglin), else None."""
    text = query_normalize(query)
    return text if text.isascii() and text.isalpha() else None
