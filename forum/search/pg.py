"""The PostgreSQL search backend (SEARCH_BACKEND = "postgres"): one row per document in
`search_document`, with a tsvector of the words the Whoosh index would hold.

Chinese has no spaces, so the words are jieba's (search mode), lower-cased and stemmed for English
by the same analyzer as the Whoosh index, plus every pair of adjacent Chinese characters: a query's
Chinese run then matches as all of its pairs, which finds every document containing it, however
jieba split that document (Discourse segments with cppjieba the same way). The title's words weigh
more than the body's. A GIN index serves the match.

The rows are kept by the same outbox as Whoosh (search_queue) and the same consumer: `drain`
applies a batch and deletes its queue rows in one transaction, so a killed consumer leaves the
batch for the next one, never half of it. One consumer drains at a time (an advisory lock), so
an older state of a document never overwrites a newer one.
"""

import logging

from jieba.analyse import ChineseAnalyzer
from sqlalchemy import text

from forum.extensions import db
from forum.search.index import CJK_RUN, bigrams
from forum.search.models import SearchDocument

log = logging.getLogger(__name__)

# The advisory lock one draining consumer holds (any constant of ours: "cocreate search").
DRAIN_LOCK = 0x0C0C_5EA2
WORDS = ChineseAnalyzer()


def lexemes(value):
    """The words of `value` as the index holds them: the analyzer's, then the Chinese pairs."""
    found = [token.text for token in WORDS(value or "")]
    for run in CJK_RUN.findall(value or ""):
        if len(run) >= 2:
            found += bigrams(run)
    return found


def query_lexemes(value):
    """What a query must match: each Chinese run as its pairs (a lone character as itself), every
    other word as the analyzer makes it (stop words dropped, English stemmed)."""
    found = []
    for run in CJK_RUN.findall(value):
        found += bigrams(run) if len(run) >= 2 else [run]
    found += [token.text for token in WORDS(CJK_RUN.sub(" ", value))]
    return list(dict.fromkeys(found))


# One statement for many documents (psycopg sends them in a pipeline). to_tsvector('simple') of the
# space-joined lexemes keeps their counts and positions for the rank, and changes none of them.
UPSERT = text(
    """
    INSERT INTO search_document (kind, obj_id, community_id, challenge_id, solution_id, author_id, visibility,
                                 status, title, body, created, words)
    VALUES (:kind, :obj_id, :community_id, :challenge_id, :solution_id, :author_id, :visibility, :status, :title,
            :body, :created,
            setweight(to_tsvector('simple', :title_words), 'A') || setweight(to_tsvector('simple', :body_words), 'B'))
    ON CONFLICT (kind, obj_id) DO UPDATE SET
        community_id = excluded.community_id, challenge_id = excluded.challenge_id,
        solution_id = excluded.solution_id, author_id = excluded.author_id, visibility = excluded.visibility,
        status = excluded.status, title = excluded.title, body = excluded.body, created = excluded.created,
        words = excluded.words
    """
)


def write(documents, removed=()):
    """Upsert `documents` (dicts from forum.search.index.document) and delete the `removed` keys
    ("kind:id"), in the caller's transaction."""
    rows = [
        {
            "kind": doc["type"],
            "obj_id": doc["obj_id"],
            "community_id": int(doc["community"]),
            "challenge_id": doc["challenge"],
            "solution_id": doc["solution"],
            "author_id": int(doc["author"]),
            "visibility": doc["visibility"],
            "status": doc["status"],
            "title": doc["title"],
            "body": doc["body"],
            "created": doc["created"],
            "title_words": " ".join(lexemes(doc["title"])),
            "body_words": " ".join(lexemes(doc["body"])),
        }
        for doc in documents
    ]
    if rows:
        db.session.execute(UPSERT, rows)
    for key in removed:
        kind, _, obj_id = key.partition(":")
        db.session.execute(db.delete(SearchDocument).filter_by(kind=kind, obj_id=int(obj_id)))


def take_drain_lock(wait=False):
    """Whether this transaction may drain (no other consumer is), held until it ends; with
    wait=True it waits for the lock (a rebuild)."""
    if wait:
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": DRAIN_LOCK})
        return True
    return bool(db.session.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": DRAIN_LOCK}).scalar())


def clear():
    db.session.execute(db.delete(SearchDocument))


def table_ready():
    """None when the documents' table answers, else the reason (for /healthz)."""
    try:
        db.session.execute(text("SELECT 1 FROM search_document LIMIT 1"))
    except Exception as error:  # a missing table, a lost connection
        db.session.rollback()
        return str(error).splitlines()[0][:200]
    return None


def matches(viewer_id, staff_of, admin, text_query, community_id=None, kind=None, status=None, sort="relevance",
            page=1, page_size=20, challenge_id=None):  # fmt: skip
    """(hits, total): one page of the documents matching `text_query` that the viewer may see,
    as dicts shaped like the Whoosh index's stored fields. Every lexeme must match."""
    words = query_lexemes(text_query)
    if not words:
        return [], 0
    conditions = ["d.words @@ q.query"]
    params = {"words": " ".join(words), "limit": page_size, "offset": (page - 1) * page_size}
    if community_id is not None:
        conditions.append("d.community_id = :community")
        params["community"] = community_id
    if kind:
        conditions.append("d.kind = :kind")
        params["kind"] = kind
    if status:
        conditions.append("d.status = :status")
        params["status"] = status
    if challenge_id is not None:
        conditions.append("d.challenge_id = :challenge")
        params["challenge"] = challenge_id
    conditions.append(_seen_by(viewer_id, staff_of, admin, params))
    order = "d.created DESC, d.id DESC" if sort == "new" else "rank DESC, d.created DESC, d.id DESC"
    # plainto_tsquery ANDs the lexemes and reads none of them as syntax. The rank (title pairs
    # count for more, weight A) is computed for the matches only; count(*) OVER () gives the total
    # from the same pass.
    sql = text(
        f"""
        SELECT d.kind, d.obj_id, d.community_id, d.challenge_id, d.solution_id, d.status, d.title, d.body,
               d.created, ts_rank(d.words, q.query) AS rank, count(*) OVER () AS total
        FROM search_document AS d, plainto_tsquery('simple', :words) AS q(query)
        WHERE {" AND ".join(conditions)}
        ORDER BY {order}
        LIMIT :limit OFFSET :offset
        """  # noqa: S608 (the conditions are ours; every value is a bound parameter)
    )
    rows = db.session.execute(sql, params).all()
    total = rows[0].total if rows else _count(sql, params, page)
    return [_hit(row) for row in rows], total


def _seen_by(viewer_id, staff_of, admin, params):
    """The SQL condition for what the viewer may see, its values added to `params`: hidden and
    pending documents reach their authors and their community's staff only (admins see all)."""
    if admin:
        return "TRUE"
    seen = ["d.visibility = 'public'"]
    if viewer_id is not None:
        seen.append("d.author_id = :viewer")
        params["viewer"] = viewer_id
    if staff_of:
        seen.append("d.community_id = ANY(:staff_of)")
        params["staff_of"] = sorted(staff_of)
    return "(" + " OR ".join(seen) + ")"


def _count(sql, params, page):
    """The total when the page asked for is past the last one (no row carries it)."""
    if page == 1:
        return 0
    first = dict(params, offset=0, limit=1)
    row = db.session.execute(sql, first).first()
    return row.total if row else 0


def _hit(row):
    return {
        "type": row.kind,
        "obj_id": row.obj_id,
        "community": str(row.community_id),
        "challenge": row.challenge_id,
        "solution": row.solution_id,
        "status": row.status,
        "title": row.title,
        "body": row.body,
        "created": row.created,
    }


def similar(viewer_id, staff_of, admin, challenge_id, draft, limit=5):
    """Solutions of a challenge most like a draft: those with any of its words, the most alike first."""
    words = [w for w in dict.fromkeys(lexemes(draft)) if len(w) > 1][:24]
    if not words:
        return []
    params = {"words": " | ".join(f"'{w}'" for w in words if "'" not in w and "\\" not in w), "challenge": challenge_id,
              "limit": limit}  # fmt: skip
    seen = _seen_by(viewer_id, staff_of, admin, params)
    sql = text(
        f"""
        SELECT d.kind, d.obj_id, d.community_id, d.challenge_id, d.solution_id, d.status, d.title, d.body,
               d.created
        FROM search_document AS d, to_tsquery('simple', :words) AS q(query)
        WHERE d.kind = 'solution' AND d.challenge_id = :challenge AND d.words @@ q.query AND {seen}
        ORDER BY ts_rank(d.words, q.query) DESC, d.id DESC
        LIMIT :limit
        """  # noqa: S608 (the condition is ours; every value is a bound parameter)
    )
    return [_hit(row) for row in db.session.execute(sql, params)]
