"""wx.requestSubscribeMessage: the user's answers, registered with the platform's send allowance (§10)."""

from __future__ import annotations

from typing import Any

from ._base import Fail, WxContext, api
from .permissions import TAP_ONLY, has_gesture

__all__ = ["MAX_TEMPLATES", "RESULTS"]

MAX_TEMPLATES = 5  # at most 5 ids per call (§10)
RESULTS = ("accept", "reject", "ban", "filter", "acceptWithAlert", "acceptWithAudio", "acceptWithForcePush")




@api("requestSubscribeMessage")
def request_subscribe_message(ctx: WxContext, args: dict[str, Any]) -> Any:
    """`{[tmplId]: accept|reject|…}`; answers come from the user's policy (default accept).

    Only from a tap's synchronous part or a requestPayment callback (§10, 2.8.2+): elsewhere (onLoad, after
    an `await` in a tap handler) strict mode fails it as a phone does; lenient shows the dialog and says so.
    """
    ids = args.get("tmplIds")
    if not isinstance(ids, list) or not ids:
        raise Fail("TmplIds can't be empty", errCode=10001)
    if len(ids) > MAX_TEMPLATES:
        raise Fail("Templates count out of max bounds", errCode=20003)
    if not all(isinstance(t, str) and t for t in ids):
        raise Fail("Invalid template id", errCode=10004)
    if not (has_gesture(ctx) or ctx.state.get("payment_callback")):
        # §10 says only "needs a tap or a payment callback": the text getUserProfile / openSetting fail with
        # outside a tap is used (its errCode, if any, is UNCONFIRMED).
        if not ctx.lenient:
            raise Fail(TAP_ONLY)
        ctx.finding("subscribe-without-tap", "wx.requestSubscribeMessage outside a tap or a payment callback: "
                                             "a phone refuses it (" + TAP_ONLY + ")")
    # Checked above while the call is made (the tap or payment callback is still running); answered below.
    return _answer(ctx, ids)


async def _answer(ctx: WxContext, ids: list[str]) -> dict[str, Any]:
    # One-shot answers first (`user.dialogs.next("subscribe", "reject")`), then the standing one.
    queued = ctx.dialogs.queue.get("subscribe")
    answer: Any = queued.pop(0) if queued else getattr(ctx.dialogs, "subscribe", ctx.state.get("subscribe_answer", "accept"))
    out: dict[str, Any] = {}
    channel = getattr(ctx.services, "wechat", None)
    for tid in ids:
        result = answer.get(tid, "accept") if isinstance(answer, dict) else str(answer)
        if result not in RESULTS:
            raise ValueError(f"subscribe answer must be one of {RESULTS}, not {result!r}")
        out[tid] = result
        if channel is not None:
            await channel.record_subscribe(ctx.user_key, tid, result)
    ctx.dialogs.shown.append({"kind": "subscribe", "t": ctx.clock.time(), "answers": dict(out)})
    ctx.record("subscribe", answers=out)
    return out
