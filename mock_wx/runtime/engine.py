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


_CALLEE = re.compile(r"((?:[A-Za-z_$][\w$]*|\[[^\[\]]*\])(?:\s*\.\s*[A-Za-z_$][\w$]*|\s*\[[^\[\]]*\])*)\s*$")


class SourceMap:
    """Maps the engine's `<input>:LINE` to `file:line`: every file is evaluated at its own line offset.

    With `sources` (file name -> the text the engine ran, line for line) it can also quote the line an
    error points at (`excerpt`), and name what QuickJS's bare "not a function" tried to call.
    """

    def __init__(self, sources: dict[str, str] | None = None) -> None:
        self._starts: list[tuple[int, str]] = []
        self.sources: dict[str, str] = sources if sources is not None else {}
        self._lines: dict[str, list[str]] = {}

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
        frame = self.first_frame(text)
        return f"{frame[0]}:{frame[1]}" if frame else None

    def first_frame(self, text: str) -> tuple[str, int, int | None] | None:
        """(file, line, column or None) of the first frame in the app's own code."""
        for m in _FRAME.finditer(text):
            name, line = self.locate(int(m.group(1)))
            if not name.startswith("wxsim/"):
                return name, line, int(m.group(2)) if m.group(2) else None
        return None

    def excerpt(self, message: str, text: str) -> tuple[str | None, str]:
        """(what was called, when `message` is QuickJS's bare "not a function"; the quoted source line with
        a caret under the column, or "") for the first app frame of the stack `text`."""
        frame = self.first_frame(text)
        if frame is None:
            return None, ""
        name, line, col = frame
        source = self.sources.get(name)
        if source is None:
            return None, ""
        lines = self._lines.get(name)
        if lines is None:
            lines = self._lines[name] = source.split("\n")
        if not 1 <= line <= len(lines):
            return None, ""
        code = lines[line - 1]
        if line == 1 and code.startswith("__wx_define("):
            # The loader's wrapper shares the first line with the file: quote (and count columns in) the file's part.
            cut = code.index(") {") + 3
            code, col = code[cut:], (col - cut if col is not None and col > cut else None)
        callee = None
        if col is not None and message.endswith("not a function") and 0 < col <= len(code) + 1:
            m = _CALLEE.search(code[:col - 1])
            if m:
                callee = re.sub(r"\s*([.\[\]])\s*", r"\1", m.group(1))
                if m.start() > 0 and code[:m.start()].rstrip()[-1:] in (".", ")", "]"):
                    callee = "…" + callee
        stripped = code.lstrip()
        if len(stripped) > 160:
            stripped = stripped[:157] + "..."
        gutter = f"  {line} | "
        quote = gutter + stripped
        if col is not None and 0 < col - (len(code) - len(code.lstrip())) <= len(stripped):
            quote += "\n" + " " * (len(gutter) + col - 1 - (len(code) - len(code.lstrip()))) + "^"
        return callee, quote


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
        callee, source = self.source_map.excerpt(first, text)
        return JSError(first, stack.rstrip(), location, source=source, callee=callee)
