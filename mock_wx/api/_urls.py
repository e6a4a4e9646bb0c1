"""The domain list rules shared by request, upload/download and sockets (wx-fidelity.md §1, §5).

The app writes `https://api.example.com/x`; the simulation maps the configured domain to the real server
on 127.0.0.1 (`Services.hosts`). `strict` applies the platform's rules; `lenient` lets common shortcuts
through (relative URLs, plain http, 127.0.0.1) and records a finding for each.
"""

from __future__ import annotations

import functools
import ipaddress
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from ._base import Fail, WxContext

__all__ = ["DOMAIN_ERRNO", "Target", "resolve_url"]

DOMAIN_ERRNO = 600002  # §0: url not in domain list
NETWORK_ERRNO = 600000  # §0: unknown network error


@dataclass(slots=True)
class Target:
    """Where a wx network call goes: the URL as the app sees it and the real URL on 127.0.0.1."""

    logical: str
    real: str


@functools.lru_cache(maxsize=256)
def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _loopback(host: str) -> bool:
    return host in ("localhost", "127.0.0.1", "::1", "[::1]")


@functools.lru_cache(maxsize=256)
def _lan_ip(host: str) -> bool:
    """A LAN address other than the device's own: the one kind of IP the client accepts (2.4.0+, §1)."""
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return ip.is_private and not (ip.is_loopback or ip.is_unspecified or ip.is_multicast or ip.is_reserved)


FORBIDDEN_HOSTS = ("api.weixin.qq.com",)  # can never be a configured domain (§1)


def resolve_url(ctx: WxContext, url: Any, *, socket: bool = False) -> Target:
    """Check `url` against the domain rules and map it to the real server; raises Fail with the platform's words."""
    services = ctx.services
    if not isinstance(url, str) or not url:
        raise Fail("parameter error: parameter.url should be String instead of Undefined;")
    secure, plain = ("wss", "ws") if socket else ("https", "http")
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        base = getattr(services, "base_url", None)
        if not ctx.lenient or base is None:
            raise Fail("invalid url")
        # The seed's `/api/...` style: a real client has no base URL to resolve against (§1).
        resolved = urljoin(base if not socket else base.replace("https://", "wss://", 1), url)
        ctx.finding("relative-url", f"relative URL {url!r} resolved against {base} (real WeChat needs an absolute https URL)")
        url, parts = resolved, urlsplit(resolved)
    host = (parts.hostname or "").lower()
    port = parts.port
    allowed: list[str] = list(getattr(services, "allowed_domains", []) or [])
    problem = _domain_problem(parts.scheme, host, port, allowed, secure, socket)
    if problem is not None:
        if not ctx.lenient:
            raise Fail("url not in domain list", errno=DOMAIN_ERRNO)
        ctx.finding("url-not-in-domain-list", f"{url}: {problem} (allowed in lenient mode only)")
        if parts.scheme not in (secure, plain):
            raise Fail("invalid url")
    real_base = services.resolve(host, port) if services is not None else None
    if real_base is None:
        if _loopback(host):
            real_base = f"http://{parts.netloc}"
        elif _lan_ip(host):
            # An allowed LAN address no simulated device answers at: a transport error, not a domain one.
            raise Fail("net::ERR_ADDRESS_UNREACHABLE", errno=NETWORK_ERRNO)
        else:
            raise Fail("url not in domain list", errno=DOMAIN_ERRNO)
    real = real_base.rstrip("/") + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if socket:
        real = "ws" + real[4:] if real.startswith("http") else real
    return Target(logical=url, real=real)


def _domain_problem(scheme: str, host: str, port: int | None, allowed: list[str], secure: str,
                    socket: bool) -> str | None:
    """Why a URL breaks §1's rules (https/wss only, no IP or localhost, exact domain, port rules), or None."""
    if scheme != secure:
        return f"only {secure}:// URLs are allowed"
    if host in FORBIDDEN_HOSTS:
        return f"{host} can never be a configured domain"
    if _lan_ip(host):
        return None  # LAN IPs are allowed since 2.4.0; the device's own address is not (§1)
    if _loopback(host) or _is_ip(host):
        return "IP addresses and localhost are not allowed"
    for entry in allowed:
        name, _, entry_port = entry.lower().partition(":")
        if name != host:
            continue  # parent domains do not match subdomains (§1)
        if socket:
            return None  # wss domains accept any port
        if entry_port:
            if port == int(entry_port):
                return None
            return f"the configured domain requires port {entry_port}"
        if port is not None:
            return "the configured domain has no port, so the URL may not carry one (not even :443)"
        return None
    return f"{host} is not a configured domain"
