"""Small shared helpers: Beijing-time RFC 3339 and seeded identifiers."""

from __future__ import annotations

import random
import string
from datetime import datetime, timedelta, timezone

__all__ = ["BEIJING", "digits", "parse_rfc3339", "rfc3339", "token"]

#: WeChat Pay writes times in Beijing time, e.g. `2018-06-08T10:34:56+08:00` (§4).
BEIJING = timezone(timedelta(hours=8))


def rfc3339(ts: float) -> str:
    """Epoch seconds as `YYYY-MM-DDTHH:MM:SS+08:00`."""
    return datetime.fromtimestamp(int(ts), BEIJING).isoformat()


def parse_rfc3339(text: str) -> float:
    """RFC 3339 text (with an offset or `Z`) as epoch seconds; raises ValueError."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError("RFC 3339 time needs an offset")
    return value.timestamp()


def digits(rng: random.Random, n: int) -> str:
    """`n` random decimal digits from a seeded generator."""
    return "".join(rng.choice(string.digits) for _ in range(n))


def token(rng: random.Random, n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    """`n` random characters from `alphabet`."""
    return "".join(rng.choice(alphabet) for _ in range(n))
