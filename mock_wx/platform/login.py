"""Login codes, code2Session, sessions and access tokens (wx-fidelity.md §9)."""

from __future__ import annotations

import base64
import hashlib
import random
from dataclasses import dataclass

from ..clock import VirtualClock
from ..errors import PlatformError

__all__ = ["CODE2SESSION_PER_MINUTE", "CODE_TTL", "TOKEN_TTL", "LoginError", "LoginService", "Session", "openid_for"]

#: A wx.login code is valid 5 minutes (§9).
CODE_TTL = 300.0
#: /cgi-bin/token answers expires_in 7200.
TOKEN_TTL = 7200
#: code2Session answers 45011 past 100 calls per user per minute (§9).
CODE2SESSION_PER_MINUTE = 100


class LoginError(PlatformError):
    """A login-server call refused with a WeChat errcode; `str(e)` is the errmsg."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(errmsg)
        self.errcode = errcode
        self.errmsg = errmsg

    def to_json(self) -> dict[str, object]:
        return {"errcode": self.errcode, "errmsg": self.errmsg}


@dataclass
class Session:
    """The result of code2Session for one user of one app."""

    openid: str
    session_key: str
    user_key: str
    created: float


@dataclass
class _Code:
    user_key: str
    expires: float
    used: bool = False


def openid_for(user_key: str, appid: str) -> str:
    """A stable 28-character openid per (user, app), like the real `o...` ids."""
    digest = hashlib.sha256(f"openid:{appid}:{user_key}".encode()).digest()
    return "o" + base64.urlsafe_b64encode(digest).decode()[:27]


class LoginService:
    """Issues wx.login codes and answers code2Session, checkSession and access tokens."""

    def __init__(
        self, clock: VirtualClock, appid: str, secret: str, rng: random.Random, session_ttl: float = 3 * 86400
    ) -> None:
        self.clock = clock
        self.appid = appid
        self.secret = secret
        self.session_ttl = session_ttl
        self._rng = rng
        self._codes: dict[str, _Code] = {}
        self._sessions: dict[str, Session] = {}  # by user_key
        self._logged_in_at: dict[str, float] = {}
        self._tokens: dict[str, float] = {}  # access_token -> expiry
        self._exchanges: dict[str, list[float]] = {}  # user_key -> code2Session times in the last minute
        self.high_risk: set[str] = set()  # user_keys whose logins code2Session blocks with 40226 (§9)
        self._busy = 0  # code2Session calls still to answer -1 "system busy" (§9)

    # -- client side (wx.login / wx.checkSession) ----------------------------------------------
    def issue_code(self, user_key: str) -> str:
        """A fresh code for `wx.login`: valid 5 min on the clock, single use (§9)."""
        code = "".join(self._rng.choice("0123456789abcdefABCDEF") for _ in range(32))
        self._codes[code] = _Code(user_key, self.clock.time() + CODE_TTL)
        self._logged_in_at[user_key] = self.clock.time()
        return code

    def check_session(self, user_key: str) -> bool:
        """`wx.checkSession`: the session from this user's latest login is still valid."""
        at = self._logged_in_at.get(user_key)
        return at is not None and self.clock.time() < at + self.session_ttl

    def expire_code(self, code: str) -> None:
        """Test hook: the code outlived its 5 minutes (§9), e.g. in an app suspended before using it."""
        entry = self._codes.get(code)
        if entry is not None:
            entry.expires = self.clock.time()

    def expire_session(self, user_key: str) -> None:
        """Test hook: make the user's session invalid, as when WeChat drops it."""
        self._logged_in_at.pop(user_key, None)
        self._sessions.pop(user_key, None)

    def block_high_risk(self, user_key: str, blocked: bool = True) -> None:
        """Test hook: WeChat rates this user high-risk; code2Session answers 40226 for their codes (§9)."""
        if blocked:
            self.high_risk.add(user_key)
        else:
            self.high_risk.discard(user_key)

    def busy(self, times: int = 1) -> None:
        """Test hook: the next `times` code2Session calls answer errcode -1 "system busy" (§9); codes stay unused."""
        self._busy = max(0, times)

    def openid(self, user_key: str) -> str:
        """This user's openid in this app."""
        return openid_for(user_key, self.appid)

    def user_key_for(self, openid: str) -> str | None:
        """The user behind an openid, if that user ever logged in."""
        for user_key in self._logged_in_at:
            if self.openid(user_key) == openid:
                return user_key
        return None

    # -- server side ---------------------------------------------------------------------------
    def code2session(self, appid: str, secret: str, js_code: str) -> Session:
        """`/sns/jscode2session`; raises LoginError 40013/40125/-1/45011/40226/40029/40163 (§9)."""
        if appid != self.appid:
            raise LoginError(40013, "invalid appid")
        if secret != self.secret:
            raise LoginError(40125, "invalid appsecret")
        if self._busy > 0:
            self._busy -= 1
            raise LoginError(-1, "system error")  # errcode -1 "系统繁忙" (§9); the errmsg text is UNCONFIRMED
        entry = self._codes.get(js_code)
        if entry is not None:
            self._count_exchange(entry.user_key)
            if entry.user_key in self.high_risk:
                # errcode 40226 "高风险等级用户，小程序登录拦截" (§9); the errmsg text is UNCONFIRMED.
                raise LoginError(40226, "high risk user, login blocked")
        # An expired code answers like an unknown one: 40029 (§9 lists no separate errcode).
        if entry is None or self.clock.time() >= entry.expires:
            raise LoginError(40029, "invalid code")
        if entry.used:
            raise LoginError(40163, "code been used")
        entry.used = True
        key = base64.b64encode(self._rng.randbytes(16)).decode()
        session = Session(self.openid(entry.user_key), key, entry.user_key, self.clock.time())
        self._sessions[entry.user_key] = session
        return session

    def _count_exchange(self, user_key: str) -> None:
        """At most 100 code2Session calls per user per minute of virtual time; a refused call does not count."""
        now = self.clock.time()
        recent = [t for t in self._exchanges.get(user_key, ()) if t > now - 60.0]
        if len(recent) >= CODE2SESSION_PER_MINUTE:
            self._exchanges[user_key] = recent
            # errcode 45011 is documented (§9); the errmsg text is the one backends commonly see (UNCONFIRMED).
            raise LoginError(45011, "api minute-quota reach limit")
        recent.append(now)
        self._exchanges[user_key] = recent

    def session(self, user_key: str) -> Session | None:
        """The latest code2Session result for this user."""
        return self._sessions.get(user_key)

    def issue_token(self, appid: str, secret: str) -> tuple[str, int]:
        """`/cgi-bin/token`: an access token and its lifetime in seconds."""
        if appid != self.appid:
            raise LoginError(40013, "invalid appid")
        if secret != self.secret:
            raise LoginError(40125, "invalid appsecret")
        token = "".join(self._rng.choice("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_") for _ in range(64))
        self._tokens[token] = self.clock.time() + TOKEN_TTL
        return token, TOKEN_TTL

    def check_token(self, token: str | None) -> None:
        """Raise 40001 for an unknown access token and 42001 for an expired one."""
        expiry = self._tokens.get(token or "")
        if expiry is None:
            raise LoginError(40001, "invalid credential, access_token is invalid or not latest")
        if self.clock.time() >= expiry:
            raise LoginError(42001, "access_token expired")
