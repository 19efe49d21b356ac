class ActionRefused(Exception):
    """A service refused to act; the message says why, in Chinese, for the person who asked."""


class PageProtected(ActionRefused):
    """A released quarter's page, or an estate page with released plates, may not be removed."""
