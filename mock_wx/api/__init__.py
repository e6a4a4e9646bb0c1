"""The WeChat client's `wx.*` APIs in Python, one module per family, registered by name."""

# Importing a family registers its APIs.
from . import (
    _observe,
    auth,
    cloud,
    device,
    navigation,
    network,
    payment,
    permissions,
    share,
    socket,
    storage,
    subscribe,
    system,
    transfer,
    ui,
)
from ._base import REGISTRY, ApiSpec, DialogPolicy, Fail, Host, WxContext, api, event_api, kinds
from .defaults import register_defaults

# Last: every API of the official typings that no family registered gets its documented default.
register_defaults()

__all__ = [
    "REGISTRY",
    "ApiSpec",
    "DialogPolicy",
    "Fail",
    "Host",
    "WxContext",
    "_observe",
    "api",
    "auth",
    "cloud",
    "device",
    "event_api",
    "kinds",
    "navigation",
    "network",
    "payment",
    "permissions",
    "share",
    "socket",
    "storage",
    "subscribe",
    "system",
    "transfer",
    "ui",
]
