class ActionRefused(Exception):
    """A service refused to act; the message says why, in Chinese, for the person who asked."""
