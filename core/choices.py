"""How many choices a list's filter may offer in a select before the list leaves the select out:
a street's firms and estates fit one; a city's 10,000 estates made half a megabyte of options that
no one scrolls through on a phone. Above SELECT_MAX the public cases column keeps the filter in
the address (shown as a choice the reader can remove) and the admin's lists let their search box
find the record instead."""

SELECT_MAX = 100


def select_choices(queryset, *fields: str) -> list[tuple] | None:
    """Up to SELECT_MAX rows of `fields` for a select, in one query; None when there are more."""
    rows = list(queryset.values_list(*fields)[: SELECT_MAX + 1])
    return rows if len(rows) <= SELECT_MAX else None
