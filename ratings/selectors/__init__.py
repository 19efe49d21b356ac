"""Reads of the rating domain (HackSoftware's selectors): pages, views, commands and the admin call
these; they never write. For the public (SPEC §4, §7, §8): /ratings/, quarter pages and their
versions, the committee's preview, open data, the Atom feed, printable plates, and the rating
sections of the estate, firm and home pages. Behind the work: the engine's inputs, the locks, each
quarter's state and the appeal window.

The public reads releases only, never provisional grades: a quarter exists for the public once
its page is live and it has a release. Every function runs a fixed number of queries whatever
the number of estates; the big `document` of a release is loaded only for the open-data
downloads, and elsewhere only the parts a page needs are read through JSON key lookups.
"""

# The public API, split by page: quarters (index, table, preview), plates, downloads (data and
# feed), directory (estate, firm and home sections); common holds shared constants and helpers.
from .common import DATA_FIELDS, MONTH_FIELDS, NO_SCORE, page_path, release_title
from .directory import (
    current_plates,
    estate_feed_plates,
    estate_pages_with_plate,
    estate_ratings,
    firm_ratings,
    home_ratings,
    plate_choices,
)
from .downloads import feed_etag, feed_releases, release_document, release_for_download
from .inputs import previous_grades, quarter_inputs
from .locks import (
    frozen_computation,
    page_protection_reason,
    quarter_in_review,
    quarter_lock_reason,
    quarter_release_lock_reason,
)
from .months import month_results_attach
from .plates import plate_context
from .quarters import (
    data_fields_context,
    published_quarters,
    quarter_preview_context,
    quarter_release_context,
)
from .review import appeal_window_start, appealable_scores, quarter_overview, quarter_review_context
from .rules import scheme_rules_context

__all__ = [
    "DATA_FIELDS",
    "appeal_window_start",
    "current_plates",
    "estate_feed_plates",
    "estate_pages_with_plate",
    "appealable_scores",
    "frozen_computation",
    "month_results_attach",
    "page_protection_reason",
    "previous_grades",
    "quarter_in_review",
    "quarter_inputs",
    "quarter_lock_reason",
    "quarter_overview",
    "quarter_review_context",
    "quarter_release_lock_reason",
    "MONTH_FIELDS",
    "NO_SCORE",
    "data_fields_context",
    "estate_ratings",
    "feed_etag",
    "feed_releases",
    "firm_ratings",
    "home_ratings",
    "plate_choices",
    "page_path",
    "plate_context",
    "published_quarters",
    "quarter_preview_context",
    "quarter_release_context",
    "release_document",
    "release_for_download",
    "release_title",
    "scheme_rules_context",
]
