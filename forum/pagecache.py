"""Whole pages for visitors, kept for PAGE_CACHE_SECONDS and dropped on every worker by a content change.

A visitor without a session sees the same page as every other visitor reading in the same
language, time zone and colour theme, so the rendered page is kept and served again without a
database query or a template.
Members never touch it: they see their votes, their drafts and their notifications. A page is kept
only if it set no cookie (no form token, no flashed message), so nothing personal is ever shared.

A kept page is only good while nothing it shows has changed, and the change may be committed by
any process (another worker, another node, a command). So every commit that inserts, changes or
deletes what visitors read moves a content generation that all of them read on each visitor's
request, and a page is served again only if it was rendered at the current generation:

- on one machine, the generation is the size and time of instance/page-generation, which each such
  commit appends a byte to (an os.stat per request: microseconds, no database query);
- with REDIS_URL set, pages live in that Redis and the generation is a counter beside them,
  fetched with the page in one round trip.

The generation is read before the page's first query (on SQLite, the first read of a transaction
fixes the rows it sees) and moved after the commit, so a page that read the old rows is kept under
the old generation and never served again. Votes, sign-ups and
points move only counts, with plain SQL statements the listener below does not see: a visitor may
see a count up to PAGE_CACHE_SECONDS old, while a hidden, deleted or edited post is gone at once.
"""

import logging
import os

from flask import current_app, g, has_app_context, request, session
from flask_babel import get_locale
from flask_login import current_user
from redis.exceptions import RedisError
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from forum import caching, themes, zones
from forum.extensions import db

log = logging.getLogger(__name__)

# Headers a kept page is served with again; security headers are added by their own hook.
KEPT_HEADERS = ("Content-Type", "Content-Language")
GENERATION_FILE = "page-generation"
# The file starts again from empty past this size; its time then tells the new bytes from the old.
GENERATION_FILE_MAX = 4096
GENERATION_KEY = "generation"
# Models whose rows visitors read. Users show only their names (logging in, reading notifications
# and changing settings write other columns of theirs).
WATCHED = frozenset(
    {
        "Community", "CommunityRole", "Challenge", "Solution", "Image", "Comment", "StatusChange", "Merge",
        "Prototype", "PrototypeUpdate", "Event",
    }
)  # fmt: skip
USER_SHOWN = ("username",)
# session.info: the generation a flush of this transaction will move once it commits.
PENDING = "page_generation_pending"

SESSION_EVENTS = (
    ("after_flush", "_note_flush"),
    ("after_commit", "_bump_after_commit"),
    ("after_transaction_end", "_forget_after_rollback"),
)


def init_app(app):
    # Set up even in an app that keeps no pages: its commits must still reach the workers that do.
    caching.init_pages(app)
    app.extensions["page_generation"] = _generation(app)
    # Session events are global: listen once, however many apps a process builds.
    for name, handler in SESSION_EVENTS:
        if not event.contains(Session, name, globals()[handler]):
            event.listen(Session, name, globals()[handler])
    if app.config["PAGE_CACHE_SECONDS"]:
        app.before_request(_serve_kept_page)
        app.after_request(_keep_page)


def content_changed(session):
    """Move the generation once `session` commits: for a plain SQL statement (which the flush
    listener does not see) that changes what visitors read."""
    if has_app_context():
        session.info[PENDING] = current_app.extensions["page_generation"]


# Generations: where every process reads whether visitors' pages changed.


class FileGeneration:
    """The generation of one machine: the size and time of a file in the instance folder.

    Appending is atomic between processes and always grows the file, so no two commits, even in
    the same tick of the file system's clock, leave it as it was."""

    def __init__(self, path):
        self.path = path

    def lookup(self, key):
        """(the current generation, the page kept under `key` or None)."""
        try:
            stat = os.stat(self.path)
            generation = (stat.st_size, stat.st_mtime_ns)
        except FileNotFoundError:
            generation = (0, 0)
        return generation, caching.pages.get(key)

    def bump(self):
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, b".")
            if os.fstat(fd).st_size >= GENERATION_FILE_MAX:
                os.ftruncate(fd, 0)
        finally:
            os.close(fd)


class SharedGeneration:
    """The generation of every node: a counter kept in the shared page cache beside the pages."""

    def lookup(self, key):
        generation, page = caching.pages.get_many(GENERATION_KEY, key)
        return generation or 0, page

    def bump(self):
        caching.pages.cache.inc(GENERATION_KEY)


def _generation(app):
    if caching.is_shared(caching.pages, app):
        return SharedGeneration()
    return FileGeneration(os.path.join(app.instance_path, GENERATION_FILE))


def _note_flush(session, _flush_context):
    if PENDING not in session.info and _shows_change(session):
        content_changed(session)


def _shows_change(session):
    """Whether the flush inserted, changed or deleted anything visitors read. SQLAlchemy keeps the
    pre-flush state (new, dirty, deleted, each attribute's history) until after_flush has run."""
    for obj in session.new:
        if type(obj).__name__ in WATCHED:  # a new user shows nowhere until they post
            return True
    for obj in session.deleted:
        if type(obj).__name__ in WATCHED or type(obj).__name__ == "User":
            return True
    for obj in session.dirty:
        name = type(obj).__name__
        if (name in WATCHED and session.is_modified(obj)) or (name == "User" and _changed(obj, USER_SHOWN)):
            return True
    return False


def _changed(obj, attributes):
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in attributes)


def _bump_after_commit(session):
    generation = session.info.pop(PENDING, None)
    if generation is None:
        return
    try:
        generation.bump()
    except (OSError, RedisError):
        # The commit stands; kept pages may show the old content until they expire.
        log.exception("could not move the page generation; visitors' pages may be stale for a while")


def _forget_after_rollback(session, transaction):
    # After a commit, _bump_after_commit has taken it already; after a rollback nothing changed.
    if transaction.parent is None:
        session.info.pop(PENDING, None)


# Serving and keeping visitors' pages.


def _key():
    if request.method != "GET" or request.blueprint == "api" or request.endpoint == "static":
        return None
    if session or request.authorization:
        return None
    # Times are shown in the zone the browser guessed (its cookie), and <html data-theme> names the
    # theme the visitor picked (its cookie): both are part of the page.
    return f"{get_locale()} {zones.cache_key_part()} {themes.cache_key_part()} {request.full_path}"


def _serve_kept_page():
    key = _key()
    if key is None or current_user.is_authenticated:
        return None
    if db.session.registry.has() and db.session.in_transaction():
        # Something read the database before this hook, and on SQLite the first read fixes the rows
        # the page will show: they may be older than the generation about to be read.
        return None
    try:
        generation, page = current_app.extensions["page_generation"].lookup(key)
    except RedisError:
        log.warning("the page cache is unreachable; rendering %s afresh", request.path, exc_info=True)
        return None
    g.page_cache_key, g.page_generation = key, generation
    if page is None or page[0] != generation:
        return None
    _generation, body, headers = page
    g.page_cache_hit = True
    return current_app.response_class(body, status=200, headers=headers)


def _keep_page(response):
    key = g.get("page_cache_key")
    if key is None or g.get("page_cache_hit"):
        return _visitor_headers(response) if key else response
    if not _keepable(response):
        return response
    # Immutable, as the per-process cache keeps values as they are (forum/caching.py).
    headers = tuple((name, response.headers[name]) for name in KEPT_HEADERS if name in response.headers)
    try:
        # Kept under the generation read before the page's queries ran (see the module's docstring).
        caching.pages.set(key, (g.page_generation, response.get_data(), headers))
    except RedisError:
        log.warning("could not keep %s in the page cache", request.path, exc_info=True)
    return _visitor_headers(response)


def _keepable(response):
    """A complete HTML page that gave the visitor nothing of their own (no cookie, no session)."""
    return (
        response.status_code == 200
        and response.mimetype == "text/html"
        and not response.is_streamed
        and "Set-Cookie" not in response.headers
        and not session.modified
    )


def _visitor_headers(response):
    # Browsers and proxies may keep a visitor's page but must ask again before showing it: the
    # server knows at once when a hide or a delete makes it stale, they would not. A cookie
    # (logging in, picking a language) makes it a different page.
    response.headers["Cache-Control"] = "public, no-cache"
    response.vary.update(("Cookie", "Accept-Language"))
    return response
