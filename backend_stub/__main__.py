"""`python -m backend_stub --db FILE --port N [--test-mode] [--platform URL]`."""

from __future__ import annotations

import argparse

from .app import serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="backend_stub", description=__doc__)
    parser.add_argument("--db", default="wxsim-shop.sqlite", help="SQLite file (':memory:' for none)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8800)
    parser.add_argument("--test-mode", action="store_true", help="enable /__admin/ routes")
    parser.add_argument("--platform", default=None, help="base URL of the WeChat platform emulation")
    args = parser.parse_args(argv)
    serve(args.db, args.host, args.port, args.test_mode, args.platform)


if __name__ == "__main__":
    main()
