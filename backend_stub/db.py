"""SQLite persistence: one file in WAL mode (or `:memory:`), schema created on startup.

Concurrency model: the stub runs on one asyncio loop and uses stdlib sqlite3 synchronously. A
transaction (`with db.tx():`) never contains an `await`, so no other request can interleave with
it; read-check-write sequences such as "is the group full? then add me" are therefore atomic with
respect to every other request, which is what keeps the last group slot from being oversold.
Calls to the platform (prepay, refund) happen *between* transactions, never inside one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["Database"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY, openid TEXT UNIQUE NOT NULL, nickname TEXT NOT NULL, avatar TEXT NOT NULL,
  referral_code TEXT UNIQUE NOT NULL, referred_by TEXT, referred_at REAL, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
  token TEXT PRIMARY KEY, user_id TEXT NOT NULL, session_key TEXT, created_at REAL, expires_at REAL);
CREATE TABLE IF NOT EXISTS products (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL, price INTEGER NOT NULL,
  group_price INTEGER NOT NULL, group_size INTEGER NOT NULL, stock INTEGER NOT NULL CHECK (stock >= 0),
  image TEXT NOT NULL, images TEXT NOT NULL, category TEXT NOT NULL, commission_rate REAL NOT NULL,
  sales INTEGER NOT NULL DEFAULT 0, created_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS products_category ON products(category);
CREATE TABLE IF NOT EXISTS orders (
  id TEXT PRIMARY KEY, user_id TEXT NOT NULL, product_id TEXT NOT NULL, quantity INTEGER NOT NULL,
  amount INTEGER NOT NULL, status TEXT NOT NULL, group_id TEXT, out_trade_no TEXT UNIQUE NOT NULL,
  prepay_id TEXT, created_at REAL NOT NULL, expires_at REAL NOT NULL, paid_at REAL,
  transaction_id TEXT, closed_reason TEXT, shipped_at REAL, completed_at REAL, refund_reason TEXT,
  refund_error TEXT);
CREATE INDEX IF NOT EXISTS orders_user ON orders(user_id, created_at);
CREATE INDEX IF NOT EXISTS orders_due ON orders(status, expires_at);
CREATE TABLE IF NOT EXISTS payments (
  order_id TEXT PRIMARY KEY, transaction_id TEXT UNIQUE NOT NULL, amount INTEGER NOT NULL,
  paid_at REAL NOT NULL, received_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS refunds (
  order_id TEXT PRIMARY KEY, out_refund_no TEXT UNIQUE NOT NULL, amount INTEGER NOT NULL,
  reason TEXT, status TEXT NOT NULL, refund_id TEXT, created_at REAL NOT NULL, succeeded_at REAL);
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, order_id TEXT NOT NULL, status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, next_at REAL NOT NULL, last_error TEXT,
  UNIQUE (kind, order_id));
CREATE INDEX IF NOT EXISTS outbox_due ON outbox(status, next_at);
CREATE TABLE IF NOT EXISTS groups (
  id TEXT PRIMARY KEY, product_id TEXT NOT NULL, creator_id TEXT NOT NULL,
  max_participants INTEGER NOT NULL, price INTEGER NOT NULL, status TEXT NOT NULL,
  virtual INTEGER NOT NULL DEFAULT 0, end_time REAL NOT NULL, created_at REAL NOT NULL,
  completed_at REAL);
CREATE INDEX IF NOT EXISTS groups_due ON groups(status, end_time);
CREATE INDEX IF NOT EXISTS groups_product ON groups(product_id, status);
CREATE TABLE IF NOT EXISTS group_members (
  group_id TEXT NOT NULL, user_id TEXT NOT NULL, order_id TEXT NOT NULL, joined_at REAL NOT NULL,
  paid INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (group_id, user_id));
CREATE INDEX IF NOT EXISTS group_members_user ON group_members(user_id);
CREATE TABLE IF NOT EXISTS commissions (
  order_id TEXT PRIMARY KEY, referrer_id TEXT NOT NULL, buyer_id TEXT NOT NULL, amount INTEGER NOT NULL,
  rate REAL NOT NULL, status TEXT NOT NULL, created_at REAL NOT NULL, settle_at REAL NOT NULL,
  settled_at REAL);
CREATE INDEX IF NOT EXISTS commissions_due ON commissions(status, settle_at);
CREATE INDEX IF NOT EXISTS commissions_referrer ON commissions(referrer_id);
CREATE TABLE IF NOT EXISTS posts (
  id TEXT PRIMARY KEY, user_id TEXT NOT NULL, content TEXT NOT NULL, images TEXT NOT NULL,
  product_id TEXT, created_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS posts_created ON posts(created_at);
CREATE TABLE IF NOT EXISTS post_likes (
  post_id TEXT NOT NULL, user_id TEXT NOT NULL, created_at REAL NOT NULL, PRIMARY KEY (post_id, user_id));
CREATE TABLE IF NOT EXISTS post_comments (
  id TEXT PRIMARY KEY, post_id TEXT NOT NULL, user_id TEXT NOT NULL, content TEXT NOT NULL,
  created_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS post_comments_post ON post_comments(post_id, created_at);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY, user_id TEXT, kind TEXT NOT NULL, product_id TEXT, post_id TEXT,
  group_id TEXT, stream_id TEXT, platform TEXT, data TEXT, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS events_user ON events(user_id, kind, at);
CREATE INDEX IF NOT EXISTS events_kind ON events(kind, at);
CREATE TABLE IF NOT EXISTS point_awards (
  id INTEGER PRIMARY KEY, user_id TEXT NOT NULL, action TEXT NOT NULL, object_key TEXT NOT NULL,
  points INTEGER NOT NULL, day TEXT NOT NULL, at REAL NOT NULL, reported INTEGER NOT NULL DEFAULT 1,
  UNIQUE (user_id, action, object_key));
CREATE INDEX IF NOT EXISTS point_awards_day ON point_awards(user_id, action, day);
CREATE TABLE IF NOT EXISTS badges (
  user_id TEXT NOT NULL, badge_id TEXT NOT NULL, earned_at REAL NOT NULL, PRIMARY KEY (user_id, badge_id));
CREATE TABLE IF NOT EXISTS streams (
  id TEXT PRIMARY KEY, title TEXT NOT NULL, anchor_name TEXT NOT NULL, status TEXT NOT NULL,
  cover_image TEXT NOT NULL, started_at REAL, ended_at REAL, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS stream_products (
  stream_id TEXT NOT NULL, product_id TEXT NOT NULL, position INTEGER NOT NULL,
  PRIMARY KEY (stream_id, product_id));
CREATE TABLE IF NOT EXISTS live_comments (
  id INTEGER PRIMARY KEY, stream_id TEXT NOT NULL, user_id TEXT NOT NULL, content TEXT NOT NULL,
  at REAL NOT NULL);
"""

#: (table, column, declaration) added after the first release; `_migrate` adds them to older files.
MIGRATIONS: tuple[tuple[str, str, str], ...] = (
    # 0 = awarded by the server (a verified payment) and not yet shown to the user by a reward call
    ("point_awards", "reported", "INTEGER NOT NULL DEFAULT 1"),
    # why the platform refused an order's refund for good (status refund_failed)
    ("orders", "refund_error", "TEXT"),
)

TABLES = (
    "users", "sessions", "products", "orders", "payments", "refunds", "outbox", "groups",
    "group_members", "commissions", "posts", "post_likes", "post_comments", "events", "point_awards",
    "badges", "streams", "stream_products", "live_comments",
)


class Database:
    """A synchronous sqlite3 connection with a transaction helper and dict rows."""

    def __init__(self, path: str = ":memory:") -> None:
        self.path = path
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        if path != ":memory:":
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA foreign_keys=OFF")
        self.conn.executescript(SCHEMA)
        self._migrate()
        self._depth = 0

    def _migrate(self) -> None:
        """Columns added since a database file was created (CREATE TABLE IF NOT EXISTS keeps old tables)."""
        for table, column, decl in MIGRATIONS:
            have = {row[1] for row in self.conn.execute(f"PRAGMA table_info({table})")}
            if column not in have:
                self.conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")

    @contextmanager
    def tx(self) -> Iterator[Database]:
        """A write transaction; nested uses join the outer one. Never `await` inside."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self._depth = 0

    def run(self, sql: str, *args: Any) -> sqlite3.Cursor:
        return self.conn.execute(sql, args)

    def one(self, sql: str, *args: Any) -> dict[str, Any] | None:
        row = self.conn.execute(sql, args).fetchone()
        return dict(row) if row is not None else None

    def all(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        return [dict(r) for r in self.conn.execute(sql, args).fetchall()]

    def scalar(self, sql: str, *args: Any) -> Any:
        row = self.conn.execute(sql, args).fetchone()
        return row[0] if row is not None else None

    def reset(self) -> None:
        """Empty every table (test-mode `/__admin/reset`)."""
        with self.tx():
            for table in TABLES:
                self.conn.execute(f"DELETE FROM {table}")

    def close(self) -> None:
        self.conn.close()
