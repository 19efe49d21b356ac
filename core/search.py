"""Pages found in Chinese (SPEC §11), through Wagtail's search index: a page model mixes in
`ChineseSearchable`, says what text describes it (`search_texts`), and adds CHINESE_SEARCH_FIELDS
to its search_fields. The index then holds that text's characters and bigrams
(`search_bigrams`) and its pinyin (`search_pinyin`); core.chinese explains why."""

from wagtail.search import index

from core.chinese import index_terms, pinyin_terms


class ChineseSearchable:
    def search_texts(self) -> list[str]:
        """The texts a reader may search this page by (names, codes, summaries …)."""
        raise NotImplementedError

    def search_names(self) -> list[str]:
        """The names a reader may type in pinyin (the type-ahead); the title by default."""
        return [self.title]

    def search_bigrams(self) -> str:
        return index_terms(self.title, *self.search_texts())

    def search_pinyin(self) -> str:
        return pinyin_terms(*self.search_names())


CHINESE_SEARCH_FIELDS = [
    index.SearchField("search_bigrams"),
    index.AutocompleteField("search_pinyin"),
]
