"""Rate-limit counters in a SQLite file of their own, shared by every process on one machine.

A storage backend for the `limits` library (which Flask-Limiter counts with), registered under
the `sqlite://` scheme (`sqlite:////absolute/path.sqlite`, like SQLAlchemy's URIs). It supports
the fixed-window strategy, Flask-Limiter's default: one row per key, counted up by a single
UPSERT, so the count is atomic across worker processes without a lock of our own. The moving
window would need a row per hit and a scan per check; the fixed window's price, up to twice the
limit across a window boundary, is capped by the longer windows (per day) the forum sets beside
the short ones.

The file is not the forum's database: counting never waits for the forum's write lock, and a
limited GET (an export) writes here, not there. Several nodes need a shared storage instead:
COCREATE_REDIS_URL (see forum/settings.py).
"""

import contextlib
import os
import sqlite3
import threading
import time

from limits.storage import Storage

SCHEME = "sqlite"
FILE_NAME = "ratelimits.sqlite"
# Counting holds the write lock for microseconds; a writer kept waiting longer than this means
# something is wrong, and Flask-Limiter falls back to per-process counting (forum/config.py).
BUSY_TIMEOUT_SECONDS = 1.0
# How long a process starting beside others keeps trying to open the file (see _connect).
SETUP_SECONDS = 10.0
# How often each process deletes the rows of windows that have ended.
SWEEP_SECONDS = 60

SCHEMA = """
CREATE TABLE IF NOT EXISTS ratelimit (
    key TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    expires_at REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ratelimit_expires_at ON ratelimit (expires_at);
"""

# A window that has ended starts again at `amount`; the RHS sees the row as it was before.
INCREMENT = """
INSERT INTO ratelimit (key, count, expires_at) VALUES (:key, :amount, :now + :expiry)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN expires_at > :now THEN count + :amount ELSE :amount END,
    expires_at = CASE WHEN expires_at > :now THEN expires_at ELSE :now + :expiry END
RETURNING count
"""


def uri_for(path):
    """The storage URI of the counters file at `path`."""
    return f"{SCHEME}:///{os.path.abspath(path)}"


class SQLiteStorage(Storage):
    """Fixed-window counters in a SQLite file; safe for many threads and processes at once."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri, wrap_exceptions=False, timeout=BUSY_TIMEOUT_SECONDS, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = _path_of(uri)
        self.timeout = float(timeout)
        # sqlite3 connections belong to one thread; gunicorn may run several per worker.
        self._local = threading.local()
        self._next_sweep = 0.0

    @property
    def base_exceptions(self):
        return sqlite3.Error

    def incr(self, key, expiry, amount=1):
        now = time.time()
        connection = self._connection()
        # One statement is one transaction in autocommit mode: read, add and write happen under
        # the write lock, so two processes counting the same key cannot both read the old count.
        # fetchall() runs the statement to its end, which is when SQLite commits it.
        [(count,)] = connection.execute(
            INCREMENT, {"key": key, "amount": amount, "now": now, "expiry": expiry}
        ).fetchall()
        if now >= self._next_sweep:
            self._next_sweep = now + SWEEP_SECONDS
            # Housekeeping: when another writer holds the lock, a later sweep will do.
            with contextlib.suppress(sqlite3.OperationalError):
                connection.execute("DELETE FROM ratelimit WHERE expires_at <= ?", (now,))
        return count

    def get(self, key):
        query = "SELECT count FROM ratelimit WHERE key = ? AND expires_at > ?"
        row = self._connection().execute(query, (key, time.time())).fetchone()
        return row[0] if row else 0

    def get_expiry(self, key):
        now = time.time()
        query = "SELECT expires_at FROM ratelimit WHERE key = ? AND expires_at > ?"
        row = self._connection().execute(query, (key, now)).fetchone()
        return row[0] if row else now

    def check(self):
        try:
            self._connection().execute("SELECT 1 FROM ratelimit LIMIT 1").fetchall()
        except sqlite3.Error:
            return False
        return True

    def reset(self):
        return self._connection().execute("DELETE FROM ratelimit").rowcount

    def clear(self, key):
        self._connection().execute("DELETE FROM ratelimit WHERE key = ?", (key,))

    def _connection(self):
        # A connection opened before a fork belongs to the parent; the child opens its own.
        if getattr(self._local, "pid", None) != os.getpid():
            self._local.connection = self._connect()
            self._local.pid = os.getpid()
        return self._local.connection

    def _connect(self):
        # Processes starting together race to turn a new file to WAL, and SQLite answers the
        # loser "database is locked" without waiting its busy timeout; the loser tries again.
        deadline = time.monotonic() + SETUP_SECONDS
        while True:
            connection = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
            try:
                _prepare(connection)
            except sqlite3.OperationalError:
                connection.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
            else:
                return connection


def _prepare(connection):
    # A file already in WAL keeps it: asking needs no lock, changing it needs everyone's.
    [(mode,)] = connection.execute("PRAGMA journal_mode").fetchall()
    if mode != "wal":
        connection.execute("PRAGMA journal_mode = WAL").fetchall()
    # Counters need not survive a power cut; WAL with NORMAL does not sync on every commit.
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.executescript(SCHEMA)


def _path_of(uri):
    """The file of `sqlite:///relative/path` or `sqlite:////absolute/path`."""
    prefix = f"{SCHEME}:///"
    if not uri or not uri.startswith(prefix) or uri == prefix:
        raise ValueError(f"expected {prefix}<path> for the rate-limit storage, got {uri!r}")
    return uri[len(prefix) :]
