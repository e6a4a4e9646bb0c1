"""URL globs shared by `mock_request` and `mock_socket`."""

from __future__ import annotations

import fnmatch
from urllib.parse import urlsplit

__all__ = ["url_matches"]


def url_matches(pattern: str, url: str) -> bool:
    """Glob `pattern` against the URL's path, or against the whole URL when the pattern has a scheme."""
    if "://" in pattern:
        return fnmatch.fnmatchcase(url, pattern)
    return fnmatch.fnmatchcase(urlsplit(url).path or "/", pattern)
