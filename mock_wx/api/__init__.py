"""The WeChat client's `wx.*` APIs in Python, one module per family, registered by name."""

from ._base import REGISTRY, ApiSpec, DialogPolicy, Fail, Host, WxContext, api, event_api, kinds

# Importing a family registers its APIs.
from . import auth, device, navigation, storage, system, ui  # noqa: E402, I001

__all__ = [
    "REGISTRY", "ApiSpec", "DialogPolicy", "Fail", "Host", "WxContext", "api", "auth", "device", "event_api",
    "kinds", "navigation", "storage", "system", "ui",
]
