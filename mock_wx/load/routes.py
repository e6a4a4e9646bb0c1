"""Request names: raw URLs folded into route templates so stats group by endpoint, not by id."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = ["route_template"]

_UUID = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")
_NUM = re.compile(r"^-?\d+$")
_HEX = re.compile(r"^(?=[^/]*\d)[0-9a-fA-F]{8,}$")


def route_template(url: str, name: str | None = None) -> str:
    """`/api/group-buy/123/join?x=1` → `/api/group-buy/{id}/join`; an explicit `name` wins.

    Numeric segments, UUIDs and hex ids (8+ hex digits, at least one digit) become `{id}`;
    scheme, host and query string are dropped.
    """
    if name:
        return name
    parts = urlsplit(url)
    path = parts.path if (parts.scheme or parts.netloc) else url.split("?", 1)[0].split("#", 1)[0]
    segs = path.split("/")
    for i, seg in enumerate(segs):
        if seg and (_NUM.match(seg) or _UUID.match(seg) or _HEX.match(seg)):
            segs[i] = "{id}"
    return "/".join(segs) or "/"
