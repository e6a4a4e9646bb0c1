"""The JS engine behind one small interface (`eval`, `call`, `expose`, `run_jobs`).

QuickJS through the `quickjs-py` bindings was chosen by measurement (docs/engine.md): it is the only
binding measured here that lets host functions run under a time limit, so runaway scripts can be
interrupted. Each `QuickJSEngine` is one isolated realm with its own runtime and heap.
"""

from __future__ import annotations

import json
import re
import traceback
from collections.abc import Callable
from typing import Any, Protocol

import quickjs

from ..errors import JSError, WxError

if not hasattr(quickjs.Context, "allow_unsafe_py_with_limit"):
    # quickjs, quickjs-ng and quickjs-py all install a module named `quickjs`; only quickjs-py lets host
    # functions run under a time limit (docs/engine.md), which the bridge needs.
    raise WxError(
        "the installed `quickjs` module is not quickjs-py: another QuickJS binding (quickjs or quickjs-ng) "
        "replaced it; run `pip uninstall -y quickjs quickjs-ng && pip install --force-reinstall quickjs-py`")

__all__ = ["JSEngine", "QuickJSEngine", "SourceMap"]

_FRAME = re.compile(r"<input>:(\d+)(?::(\d+))?")


class SourceMap:
    """Maps the engine's `<input>:LINE` to `file:line`: every file is evaluated at its own line offset."""

    def __init__(self) -> None:
        self._starts: list[tuple[int, str]] = []

    def add(self, start_line: int, name: str) -> None:
        self._starts.append((start_line, name))
        self._starts.sort()

    def locate(self, line: int) -> tuple[str, int]:
        best = ("<wxsim>", line)
        for start, name in self._starts:
            if start <= line:
                best = (name, line - start + 1)
            else:
                break
        return best

    def rewrite(self, text: str) -> str:
        def repl(m: re.Match[str]) -> str:
            name, line = self.locate(int(m.group(1)))
            return f"{name}:{line}" + (f":{m.group(2)}" if m.group(2) else "")

        return _FRAME.sub(repl, text)

    def first_location(self, text: str) -> str | None:
        for m in _FRAME.finditer(text):
            name, line = self.locate(int(m.group(1)))
            if not name.startswith("wxsim/"):
                return f"{name}:{line}"
        return None


class JSEngine(Protocol):
    """What the runtime needs from a JS engine."""

    def eval(self, code: str) -> Any: ...
    def call(self, fn: str, *args: Any) -> Any: ...
    def expose(self, name: str, fn: Callable[..., Any]) -> None: ...
    def run_jobs(self) -> int: ...


class QuickJSEngine:
    """One QuickJS context (quickjs-py): an isolated realm with its own heap, interruptible by a time limit."""

    def __init__(self, *, time_limit: float = 10.0, memory_limit: int | None = None) -> None:
        self._ctx = quickjs.Context()
        self._time_limit = time_limit
        # The limit is counted from the start of each eval/call; host functions stay callable under it.
        self._ctx.allow_unsafe_py_with_limit(True)
        self._ctx.set_time_limit(time_limit)
        if memory_limit:
            self._ctx.set_memory_limit(memory_limit)
        self._fns: dict[str, Any] = {}
        self.source_map = SourceMap()
        self.host_errors: list[BaseException] = []

    def expose(self, name: str, fn: Callable[..., Any]) -> None:
        """Make `fn` callable from JS as a global; a Python exception becomes a JS exception."""

        def safe(*args: Any) -> Any:
            try:
                return fn(*args)
            except BaseException as exc:  # never let a Python error corrupt the engine state
                self.host_errors.append(exc)
                return json.dumps({"__throw": f"wxsim internal error: {str(exc)[:200]}"})

        self._ctx.add_callable(name, safe)

    def eval(self, code: str) -> Any:
        """Evaluate a script; JS exceptions become `JSError` with file:line."""
        if self.host_errors:
            self.host_errors.clear()
        try:
            return self._ctx.eval(code)
        except quickjs.JSException as exc:
            raise self._to_error(exc) from None

    def get(self, name: str) -> Any:
        return self._ctx.get(name)

    def function(self, path: str) -> Callable[..., Any]:
        """A JS function by dotted global path, for repeated fast calls; raises JSError like `call`.

        Wrapped so that an exception the JS side cannot catch (an interrupted runaway loop in a timer or
        a success callback) reaches Python as a JSError with file:line, not as the binding's exception.
        """
        f = self._ctx.eval(path)

        def call(*args: Any) -> Any:
            if self.host_errors:
                self.host_errors.clear()  # left by an earlier call whose JS caught the error
            try:
                return f(*args)
            except quickjs.JSException as exc:
                raise self._to_error(exc) from None

        return call

    def call(self, fn: str | Any, *args: Any) -> Any:
        """Call a JS function (by dotted name or object) with primitive arguments."""
        f = self._ctx.eval(fn) if isinstance(fn, str) else fn
        if self.host_errors:
            self.host_errors.clear()
        try:
            return f(*args)
        except quickjs.JSException as exc:
            raise self._to_error(exc) from None

    def run_jobs(self) -> int:
        """Drain the microtask (promise job) queue; returns how many jobs ran."""
        n = 0
        try:
            while self._ctx.execute_pending_job():
                n += 1
        except quickjs.JSException as exc:
            raise self._to_error(exc) from None
        return n

    def memory(self) -> dict[str, int]:
        return dict(self._ctx.memory())

    def gc(self) -> None:
        self._ctx.gc()

    def _to_error(self, exc: BaseException) -> JSError:
        text = str(exc)
        if self.host_errors:
            inner = self.host_errors.pop()
            text += "\n(from Python) " + "".join(traceback.format_exception_only(inner)).strip()
        first, _, rest = text.partition("\n")
        if first == "InternalError: interrupted":
            # QuickJS's interrupt handler fired: say why, since the bare message names no cause.
            first += (f" (the script ran past the {self._time_limit:g} s time limit: an endless loop? "
                      "Simulator(time_limit=...) sets it)")
        stack = self.source_map.rewrite(rest)
        location = self.source_map.first_location(text)
        return JSError(first, stack.rstrip(), location)
