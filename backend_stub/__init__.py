"""backend_stub — the merchant backend of the social-commerce sample app (docs/backend-api.md)."""

from .app import BACKEND, BackendServer, create_app, run_until_stopped, serve
from .backend import Backend
from .config import AdjustableClock, BackendConfig, MerchantKeys

__all__ = ["BACKEND", "AdjustableClock", "Backend", "BackendConfig", "BackendServer", "MerchantKeys",
           "create_app", "run_until_stopped", "serve"]
