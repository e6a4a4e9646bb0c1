"""Exceptions raised by the test's own code inside wxsim (mocks, hooks, exposed functions).

The app still gets its platform-shaped `fail` answer so nothing hangs, but a bug in a mock must fail the test,
not pass for a network error: each one is kept in the user's context and raised, as `MockError` with the
original as `__cause__`, by the test's next wxsim call (`page.tap`, `user.launch`, `sim.idle`, ...).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from ..api import Fail, WxContext
from ..errors import MockError, WxApiError

__all__ = ["guard_call", "raise_pending", "report"]

# Where the rig keeps errors meant for the test (the action-sheet answer check in api/ui.py uses it too).
_KEY = "test_errors"


def report(ctx: WxContext, label: str, exc: BaseException) -> MockError:
    """Keep `exc` (raised by the test's `label`) to be raised by the test's next wxsim call."""
    err = MockError(f"{label} raised {type(exc).__name__}: {exc}")
    err.__cause__ = exc
    ctx.record("mock-error", source=label, error=repr(exc))
    ctx.state.setdefault(_KEY, []).append(err)
    return err


def _is_answer(exc: BaseException) -> bool:
    """A `Fail` or `WxApiError` is how a mock *answers* with a failure, not a bug in it."""
    return isinstance(exc, (Fail, WxApiError))


def guard_call(ctx: WxContext, label: str, fn: Callable[[], Any]) -> Any:
    """Call `fn()`; an exception other than a deliberate failure is reported, then re-raised.

    An awaitable result is wrapped so an exception raised while awaiting it is reported the same way.
    """
    try:
        out = fn()
    except Exception as exc:
        if not _is_answer(exc):
            report(ctx, label, exc)
        raise
    if inspect.isawaitable(out):
        return _guard_await(ctx, label, out)
    return out


async def _guard_await(ctx: WxContext, label: str, awaitable: Any) -> Any:
    try:
        return await awaitable
    except Exception as exc:
        if not _is_answer(exc):
            report(ctx, label, exc)
        raise


def raise_pending(ctx: WxContext) -> None:
    """Raise the first error the test's own code left (and forget the rest: one failure is enough)."""
    errors = ctx.state.pop(_KEY, None)
    if errors:
        raise errors[0]
