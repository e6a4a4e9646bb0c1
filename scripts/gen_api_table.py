#!/usr/bin/env python3
"""Generate mock_wx/api/wx_api_table.json from WeChat's official TypeScript declarations.

The list of `wx.*` APIs is not typed by hand: it is every member of `interface Wx` in the
`miniprogram-api-typings` package (types/wx/lib.wx.api.d.ts). Each method's kind is inferred from its
declaration:

- `sync`:     a name ending in `Sync`, or a method returning a plain value (getWindowInfo(): WindowInfo)
- `task`:     request / downloadFile / uploadFile / connectSocket (they return a task object, §0)
- `context`:  returns an object with methods (createXxxContext, getXxxManager, getNFCAdapter, ...)
- `event`:    `onXxx(listener): void`; `offevent`: `offXxx(listener?): void`
- `async`:    returns `PromisifySuccessResult<...>` (callbacks or a Promise)
- `callback`: returns void and takes an option with `success`: callbacks only, no Promise
- `property`: a field of `wx` (wx.env, wx.cloud, ...)

Usage: scripts/gen_api_table.py [PATH/TO/lib.wx.api.d.ts]   (without a path: `npm pack` into a temp dir)
Then scripts/gen_api_coverage.py writes docs/api-coverage.md from the table.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "mock_wx" / "api" / "wx_api_table.json"
PACKAGE = "miniprogram-api-typings"
TASKS = {"request", "downloadFile", "uploadFile", "connectSocket"}
_MEMBER = re.compile(r"^        ([A-Za-z_$][\w$]*)\s*([<(:?])", re.M)


def fetch_typings() -> tuple[str, str]:
    """(text of lib.wx.api.d.ts, package version) via `npm pack` in a temporary folder."""
    with tempfile.TemporaryDirectory() as tmp:
        name = subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=tmp, check=True, capture_output=True,
                              text=True).stdout.strip().splitlines()[-1]
        with tarfile.open(Path(tmp) / name) as tar:
            api = tar.extractfile("package/types/wx/lib.wx.api.d.ts")
            pkg = tar.extractfile("package/package.json")
            assert api is not None and pkg is not None
            return api.read().decode(), json.loads(pkg.read())["version"]


def _strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"(?m)^\s*//[^\n]*", "", text)


def _block(text: str, start: int) -> str:
    """The text inside the braces that open at or after `start`."""
    j = text.index("{", start)
    depth = 0
    for k in range(j, len(text)):
        if text[k] == "{":
            depth += 1
        elif text[k] == "}":
            depth -= 1
            if depth == 0:
                return text[j + 1:k]
    raise ValueError("unbalanced braces")


def _skip_generics(s: str, i: int) -> int:
    depth = 0
    while i < len(s):
        if s[i] == "<":
            depth += 1
        elif s[i] == ">" and s[i - 1] != "=":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return i


def _signature(chunk: str) -> tuple[str, str]:
    """(parameter text, return type) of one method declaration."""
    i = chunk.index("(") if chunk.lstrip().startswith("(") else 0
    if chunk.lstrip().startswith("<"):
        i = _skip_generics(chunk, chunk.index("<"))
    i = chunk.index("(", i)
    depth = 0
    for k in range(i, len(chunk)):
        if chunk[k] == "(":
            depth += 1
        elif chunk[k] == ")":
            depth -= 1
            if depth == 0:
                ret = chunk[k + 1:].strip()
                return chunk[i + 1:k], ret[1:].strip() if ret.startswith(":") else ret
    raise ValueError("unbalanced parentheses")


def _option_has_success(text: str, params: str) -> bool:
    m = re.search(r":\s*([A-Z]\w*Option)\b", params)
    if not m:
        return False
    decl = re.search(r"interface\s+" + m.group(1) + r"\b[^{]*\{", text)
    return bool(decl) and bool(re.search(r"\bsuccess\?\s*:", _block(text, decl.start())))


def kind_of(name: str, overloads: list[tuple[str, str]], text: str) -> str:
    rets = [" ".join(r.split()) for _, r in overloads]
    if name in TASKS:
        return "task"
    if re.match(r"on[A-Z]", name) and all(r == "void" for r in rets):
        return "event"
    if re.match(r"off[A-Z]", name) and all(r == "void" for r in rets):
        return "offevent"
    if name.endswith("Sync"):
        return "sync"
    if any("PromisifySuccessResult" in r or r.startswith("Promise<") for r in rets):
        return "async"
    if all(r == "void" for r in rets):
        return "callback" if any(_option_has_success(text, p) for p, _ in overloads) else "sync"
    if _has_methods(text, rets[0]):
        return "context"
    return "sync"


def _has_methods(text: str, type_name: str) -> bool:
    """Whether `type_name` is an interface or class with methods (a context/manager, not data)."""
    m = re.fullmatch(r"(?:import\('[\w-]+'\)\.)?([A-Z]\w*)", type_name)
    if not m:
        return type_name.startswith("import(")
    decl = re.search(r"(?:interface|class)\s+" + m.group(1) + r"\b[^{]*\{", text)
    return bool(decl) and bool(re.search(r"(?m)^\s+[a-zA-Z]\w*\s*[(<]", _block(text, decl.start())))


def extract(text: str) -> list[dict[str, str]]:
    """Every member of `interface Wx`, as {name, kind, returns}, sorted by name."""
    text = _strip_comments(text)
    body = _block(text, text.index("interface Wx {"))
    starts = list(_MEMBER.finditer(body))
    members: dict[str, list[tuple[str, str]]] = {}
    props: dict[str, str] = {}
    for n, m in enumerate(starts):
        end = starts[n + 1].start() if n + 1 < len(starts) else len(body)
        chunk = body[m.end(1):end]
        if m.group(2) in ":?" and not chunk.lstrip("?").lstrip().startswith("("):
            props[m.group(1)] = " ".join(chunk.lstrip("?: ").split())
            continue
        members.setdefault(m.group(1), []).append(_signature(chunk))
    table = [{"name": name, "kind": kind_of(name, ov, text), "returns": " ".join(ov[0][1].split())}
             for name, ov in members.items()]
    table += [{"name": name, "kind": "property", "returns": t} for name, t in props.items()]
    return sorted(table, key=lambda e: e["name"])


def main(argv: list[str]) -> int:
    if len(argv) > 1:
        path = Path(argv[1])
        text = path.read_text(encoding="utf-8")
        pkg = path.parent.parent.parent / "package.json"
        version = json.loads(pkg.read_text())["version"] if pkg.is_file() else "unknown"
    else:
        text, version = fetch_typings()
    table = extract(text)
    OUT.write_text(json.dumps({"source": f"{PACKAGE}@{version} types/wx/lib.wx.api.d.ts interface Wx",
                               "generator": "scripts/gen_api_table.py", "apis": table},
                              ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    kinds: dict[str, int] = {}
    for e in table:
        kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
    print(f"{OUT.relative_to(ROOT)}: {len(table)} members of wx from {PACKAGE}@{version} {kinds}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
