"""WeChat's servers, emulated: code2Session, WeChat Pay v3 and v2, subscribe messages (docs/platform-api.md)."""

from .channel import ClientOrder, LocalChannel, RemoteChannel
from .credentials import MerchantCredentials
from .crypto import build_pay_params, decrypt_resource, sign_request, verify_notification
from .login import LoginError, LoginService, Session
from .notify import RETRY_SCHEDULE, Attempt, Delivery, Notifier
from .orders import Order, PayApiError, PaymentRejected, Prepay, Refund
from .pay import SIGN_FAILED, PayService
from .sandbox import WeChatPlatform
from .subscribe import SentMessage, SubscribeService

__all__ = [
    "RETRY_SCHEDULE",
    "SIGN_FAILED",
    "Attempt",
    "ClientOrder",
    "Delivery",
    "LocalChannel",
    "LoginError",
    "LoginService",
    "MerchantCredentials",
    "Notifier",
    "Order",
    "PayApiError",
    "PayService",
    "PaymentRejected",
    "Prepay",
    "Refund",
    "RemoteChannel",
    "SentMessage",
    "Session",
    "SubscribeService",
    "WeChatPlatform",
    "build_pay_params",
    "decrypt_resource",
    "sign_request",
    "verify_notification",
]
