"""The Whoosh index: schema, analyzers (jieba for words, bigrams for Chinese substrings), documents.

Chinese has no spaces, so words come from jieba's search mode (which also emits the shorter words
inside long ones). Words jieba splits another way would still be missed, so every run of Chinese
characters is indexed a second time as overlapping character pairs: a query word then matches
as a phrase of its pairs, which finds any 2+ character substring.
"""

import fcntl
import html as html_module
import logging
import os
import re
import shutil
import threading
from contextlib import contextmanager

from flask import current_app
from jieba.analyse import ChineseAnalyzer
from whoosh import index, scoring
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import DATETIME, ID, NUMERIC, TEXT, Schema

log = logging.getLogger(__name__)

CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
TYPES = ("challenge", "solution", "comment", "update")


class CJKBigramTokenizer(Tokenizer):
    """Overlapping pairs of Chinese characters, with positions, for phrase (substring) queries."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, mode="", **kwargs):  # fmt: skip
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        position = start_pos
        for run in CJK_RUN.finditer(value):
            text = run.group()
            pairs = [text[i : i + 2] for i in range(len(text) - 1)] or [text]
            for offset, pair in enumerate(pairs):
                token.text = pair
                token.boost = 1.0
                if positions:
                    token.pos = position
                if chars:
                    token.startchar = start_char + run.start() + offset
                    token.endchar = token.startchar + len(pair)
                position += 1
                yield token
            position += 1  # runs are not adjacent to each other


def bigrams(text):
    return [text[i : i + 2] for i in range(len(text) - 1)] or [text]


def build_schema():
    words = ChineseAnalyzer()
    return Schema(
        key=ID(unique=True, stored=True),
        type=ID(stored=True),
        obj_id=NUMERIC(int, stored=True),
        community=ID(stored=True),
        challenge=NUMERIC(int, stored=True),
        solution=NUMERIC(int, stored=True),
        author=ID,
        visibility=ID,
        status=ID(stored=True),
        title=TEXT(analyzer=words, stored=True, field_boost=2.0),
        body=TEXT(analyzer=words, stored=True),
        cjk=TEXT(analyzer=CJKBigramTokenizer(), phrase=True),
        created=DATETIME(stored=True, sortable=True),
    )


SCHEMA = build_schema()
# Segments stay as separate files: whoosh-reloaded copies a compound segment file into memory
# whole for every searcher that opens it (some 500 MB per searcher, per thread, at 100,000
# solutions), while separate files are read as needed.
WRITER_OPTIONS = {"compound": False}


def index_dir(app=None):
    app = app or current_app
    return app.config["SEARCH_INDEX_DIR"] or os.path.join(app.instance_path, "search-index")


def open_index(create=True):
    """The index, or a new empty one when it is missing (create=True). Raises IndexUnavailable
    when it exists but cannot be read."""
    path = index_dir()
    try:
        if index.exists_in(path):
            ix = index.open_dir(path)
            ix.doc_count()  # touches the segment files: a corrupt index fails here
            return ix
    except Exception as error:  # Whoosh raises many kinds for damaged files
        raise IndexUnavailable(str(error)) from error
    if not create:
        raise IndexUnavailable("no index")
    os.makedirs(path, exist_ok=True)
    return index.create_in(path, SCHEMA)


_local = threading.local()


# BM25F, except on the Chinese pairs: a Chinese query matches thousands of documents on them, and
# BM25F reads each document's field length for each pair (most of such a query's time). They
# count as term frequency times rarity instead; the title and body words still rank by BM25F.
WEIGHTING = scoring.MultiWeighting(scoring.BM25F(), cjk=scoring.TF_IDF())


def searcher(fresh=False):
    """A searcher of the index's latest generation. Raises IndexUnavailable.

    Kept per thread between requests, since opening the files costs more than most queries, but
    checked against the directory on every call: when a consumer has committed a new generation
    (or rebuilt the index, which makes a new directory whose generations start again), a new
    searcher is opened from scratch and the old one closed. Whoosh's own refresh() would reuse
    the old segment readers, and reused readers served deleted documents twice and failed on
    missing ones. `fresh` opens a new one whatever the cache holds."""
    path = index_dir()
    kept = getattr(_local, "searcher", None)
    for attempt in range(OPEN_ATTEMPTS):
        try:
            identity = (path, os.stat(path).st_ino, latest_generation(path))
            if kept is not None and kept[0] == identity and not fresh:
                return kept[1]
            opened = open_index(create=False).searcher(weighting=WEIGHTING)
            _open_lazy_files(opened)
            break
        except IndexUnavailable:
            _forget_searcher()
            raise
        except Exception as error:
            # A consumer committed (and merged away segments) between our reading the table of
            # contents and opening the files: the next generation is there, open that. Only a
            # directory deleted or damaged for good fails every time.
            if attempt == OPEN_ATTEMPTS - 1:
                _forget_searcher()
                raise IndexUnavailable(str(error)) from error
            log.debug("opening a searcher raced a commit; opening the new generation", exc_info=True)
    _forget_searcher()
    _local.searcher = (identity, opened)
    return opened


OPEN_ATTEMPTS = 3


_TOC = re.compile(r"^_MAIN_(\d+)\.toc$")


def latest_generation(path):
    """The newest generation committed to the index at `path` (-1 for none): a directory listing,
    microseconds, where opening the index reads its table of contents."""
    return max((int(m.group(1)) for m in map(_TOC.match, os.listdir(path)) if m), default=-1)


def _open_lazy_files(opened):
    """Open now the segment files Whoosh opens on first use (stored fields, field lengths, the
    sort column). A consumer's merge deletes the segments it replaced; files already open stay
    readable, files not yet opened would be gone."""
    for reader in opened.reader().leaf_readers():
        reader = reader[0]
        if reader.doc_count_all() == 0:
            continue
        reader.stored_fields(0)
        for field in ("title", "body", "cjk"):
            reader.doc_field_length(0, field)
        if reader.has_column("created"):
            reader.column_reader("created")


def _forget_searcher():
    kept = getattr(_local, "searcher", None)
    _local.searcher = None
    if kept is not None:
        try:
            kept[1].close()
        except Exception:  # its files may be gone already
            log.debug("closing an old searcher failed", exc_info=True)


@contextmanager
def exclusive(wait=True):
    """Hold a lock beside the index directory (every process on the machine sees it) while the
    index is replaced, or while a drain applies its rows. Yields True once held; with wait=False,
    False at once when another holds it."""
    path = index_dir()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path + ".lock", "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def reset_index():
    """Throw away a damaged index and start an empty one."""
    path = index_dir()
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path, exist_ok=True)
    return index.create_in(path, SCHEMA)


class IndexUnavailable(Exception):
    """The index is missing or damaged; search falls back to the database meanwhile."""


def document(kind, obj):
    """The search document for a challenge, solution, comment or prototype update, or None when
    it should not be in the index (deleted)."""
    if kind == "challenge":
        return _doc(
            kind, obj, obj.community_id, obj.id, None, obj.author_id, obj.visibility, "", obj.title, obj.body_html
        )
    if kind == "solution":
        challenge = obj.challenge
        visibility = _worst(obj.visibility, challenge.visibility)
        return _doc(kind, obj, obj.community_id, obj.challenge_id, obj.id, obj.author_id, visibility, obj.status,
                    obj.title, obj.body_html)  # fmt: skip
    if kind == "comment":
        if obj.deleted:
            return None
        parents = [obj.challenge] + ([obj.solution] if obj.solution_id else [])
        visibility = _worst(obj.visibility, *(p.visibility for p in parents))
        return _doc(kind, obj, obj.challenge.community_id, obj.challenge_id, obj.solution_id, obj.author_id,
                    visibility, "", "", obj.body_html)  # fmt: skip
    if kind == "update":
        solution = obj.prototype.solution
        visibility = _worst(solution.visibility, solution.challenge.visibility)
        return _doc(kind, obj, solution.community_id, solution.challenge_id, solution.id, obj.author_id, visibility,
                    "", "", obj.body_html)  # fmt: skip
    raise ValueError(kind)


def _worst(*visibilities):
    for level in ("hidden", "pending"):
        if level in visibilities:
            return level
    return "public"


def _doc(kind, obj, community_id, challenge_id, solution_id, author_id, visibility, status, title, body_html):
    body = plain_text(body_html)
    return {
        "key": f"{kind}:{obj.id}",
        "type": kind,
        "obj_id": obj.id,
        "community": str(community_id),
        "challenge": challenge_id or 0,
        "solution": solution_id or 0,
        "author": str(author_id or 0),
        "visibility": visibility,
        "status": status or "",
        "title": title or "",
        "body": body,
        "cjk": f"{title or ''} {body}",
        "created": obj.created,
    }


TAG = re.compile(r"<[^>]+>")


def plain_text(html):
    """Text of our own sanitized HTML, for indexing and snippets."""
    return html_module.unescape(TAG.sub(" ", html or "")).strip()
