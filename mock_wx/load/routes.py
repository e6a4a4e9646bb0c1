"""Request names: raw URLs folded into route templates so stats group by endpoint, not by id.

Three sources, first match wins:

1. an explicit name from the journey: `with request_name("checkout: prepay"):` names every request the
   user's pages make inside the block (Locust's `name=`);
2. the backend's own templates: the `paths` of its `/openapi.json` (`/api/orders/{id}`), loaded by the
   load session when the backend serves one (`RouteNames.use_openapi`);
3. the id rule (`route_template`), for everything else: a path segment becomes `{id}` when it is
   all digits (`17`), a UUID, 8+ hex digits with at least one digit (`5f1c0a0e`), a short prefix of up
   to 4 letters (optionally joined by `-` or `_`) before 3+ hex digits of which at least 3 are digits
   (`p004`, `g17cf67323e7d`, `o0211378444ef`, `ord_12345`), or a 16+ character token of letters and
   digits with at least 4 digits. Words (`join`, `v1`, `group-buy`) stay.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

__all__ = ["RouteNames", "request_name", "route_template"]

_UUID = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")
_NUM = re.compile(r"^-?\d+$")
_HEX = re.compile(r"^(?=[^/]*\d)[0-9a-fA-F]{8,}$")
_PREFIXED = re.compile(r"^[A-Za-z]{1,4}[-_]?(?P<rest>[0-9a-fA-F]{3,})$")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,}$")

_explicit: contextvars.ContextVar[str | None] = contextvars.ContextVar("wxsim_request_name", default=None)


def _is_id(seg: str) -> bool:
    if _NUM.match(seg) or _UUID.match(seg) or _HEX.match(seg):
        return True
    m = _PREFIXED.match(seg)
    if m and sum(c.isdigit() for c in m.group("rest")) >= 3:
        return True
    return bool(_TOKEN.match(seg)) and sum(c.isdigit() for c in seg) >= 4


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path if (parts.scheme or parts.netloc) else url.split("?", 1)[0].split("#", 1)[0]


def route_template(url: str, name: str | None = None) -> str:
    """`/api/group-buy/g17cf67323e7d/join?x=1` → `/api/group-buy/{id}/join`; an explicit `name` wins.

    Scheme, host and query string are dropped; id-like segments (module docstring) become `{id}`.
    """
    if name:
        return name
    segs = _path(url).split("/")
    for i, seg in enumerate(segs):
        if seg and _is_id(seg):
            segs[i] = "{id}"
    return "/".join(segs) or "/"


@contextlib.contextmanager
def request_name(name: str) -> Iterator[None]:
    """Inside a journey: record the requests the user's pages make in this block under `name`.

        with request_name("/api/group-buy/{id}/join"):
            await page.tap("joinGroup")
    """
    token = _explicit.set(name)
    try:
        yield
    finally:
        _explicit.reset(token)


def _template_regex(template: str) -> re.Pattern[str]:
    out = []
    for part in re.split(r"(\{[^}/]+\})", template):
        out.append("[^/]+" if part.startswith("{") and part.endswith("}") else re.escape(part))
    return re.compile("^" + "".join(out) + "$")


class RouteNames:
    """Names requests by route template: explicit name, then the backend's OpenAPI paths, then the id rule."""

    def __init__(self, templates: Iterable[str] = ()) -> None:
        self._templates: list[tuple[str, re.Pattern[str]]] = []
        self._cache: dict[str, str] = {}
        self.use_templates(templates)

    def use_templates(self, templates: Iterable[str]) -> None:
        """Match paths against these templates (`/api/orders/{id}`); literal paths first, as routers do."""
        given = {t for t in templates if t.startswith("/")}
        # A template with fewer placeholders is the more specific one (`/api/orders/mine` before `/{id}`).
        ordered = sorted(given, key=lambda t: (t.count("{"), -len(t)))
        self._templates = [(t, _template_regex(t)) for t in ordered]
        self._cache.clear()

    def use_openapi(self, spec: Any) -> int:
        """Use the `paths` of an OpenAPI document; returns how many templates it gave."""
        paths = spec.get("paths") if isinstance(spec, dict) else None
        if not isinstance(paths, dict):
            return 0
        self.use_templates(paths)
        return len(self._templates)

    @property
    def templates(self) -> list[str]:
        return [t for t, _ in self._templates]

    def name(self, url: str) -> str:
        """The stats name of a request to `url` (a path or a full URL)."""
        explicit = _explicit.get()
        if explicit:
            return explicit
        cached = self._cache.get(url)
        if cached is not None:
            return cached
        path = _path(url)
        found = next((t for t, rx in self._templates if rx.match(path)), None)
        name = found or route_template(path)
        if len(self._cache) < 10_000:
            self._cache[url] = name
        return name
