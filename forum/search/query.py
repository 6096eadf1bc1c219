"""Searching: a safe parser limited to the text fields, the visibility filter inside the search,
highlighted snippets, and a plain database query whenever the index cannot answer."""

import logging
import re
import unicodedata
import weakref
from dataclasses import dataclass

from flask import current_app
from markupsafe import Markup, escape
from sqlalchemy import or_
from whoosh import collectors, highlight
from whoosh.analysis import LowercaseFilter, StemFilter, Token, Tokenizer
from whoosh.lang.porter import stem
from whoosh.qparser import MultifieldParser, plugins
from whoosh.query import And, NullQuery, Or, Term
from whoosh.searching import ResultsPage

from forum.challenges.models import Challenge
from forum.communities.models import CommunityRole
from forum.extensions import db
from forum.permissions import is_admin, is_member, visible_to
from forum.search import index, pg
from forum.search.index import CJK_RUN, TYPES, bigrams
from forum.solutions.models import Comment, Solution

__all__ = ["SORTS", "TYPES", "Results", "search", "similar_solutions"]

log = logging.getLogger(__name__)
QUERY_MAX = 200
PAGE_SIZE = 20
SORTS = ("relevance", "new")
# Documents of these visibilities are shown only to staff and their authors.
NOT_PUBLIC = ("hidden", "pending")
# Filter sets kept per searcher (a searcher lives until the index changes): community x type x status.
FILTER_CACHE_SIZE = 64
_filter_cache = weakref.WeakKeyDictionary()
# Only the text fields may be searched: `status:hidden` must be plain text, not a field query.
SEARCHABLE = ["title", "body"]


@dataclass
class Result:
    type: str
    id: int
    title: str
    snippet: Markup
    endpoint: str
    url_kwargs: dict
    created: object
    on: str = ""  # a comment's or update's solution or challenge, whose title names it


@dataclass
class Results:
    query: str
    hits: list
    total: int
    page: int
    pages: int
    degraded: bool = False
    message: str | None = None


def clean_query(raw):
    """At most 200 printable characters, whitespace collapsed."""
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in (raw or "")[: QUERY_MAX * 4])
    return " ".join(text.split())[:QUERY_MAX]


def search(viewer, raw, community=None, kind=None, status=None, sort="relevance", page=1, challenge=None):
    """Results the viewer may see, `PAGE_SIZE` a page; with `challenge`, only those of that
    challenge (the merge picker's). Never raises for a bad query."""
    text = clean_query(raw)
    page = max(1, min(int(page or 1), 500))
    if not text:
        return Results(text, [], 0, page, 0)
    if current_app.config["SEARCH_BACKEND"] == "postgres":
        return _postgres_search(viewer, text, community, kind, status, sort, page, challenge)
    for fresh in (False, True):
        try:
            return _index_search(
                index.searcher(fresh=fresh), viewer, text, community, kind, status, sort, page, challenge
            )
        except index.IndexUnavailable:
            break
        except Exception:
            # A consumer merged segments away between this searcher's opening and its reading:
            # once more on a searcher opened now.
            log.warning("search failed on the current searcher; retrying on a new one", exc_info=True)
    log.warning("search index unavailable; answering from the database")
    return _database_search(viewer, text, community, kind, status, page, challenge)


def _index_search(searcher, viewer, text, community, kind, status, sort, page, challenge=None):
    query = _build_query(searcher, text)
    if query is NullQuery:
        return Results(text, [], 0, page, 0)
    staff_of = _staff_communities(viewer)
    allow, mask = _restrictions(searcher, viewer, community, kind, status, staff_of, challenge)
    hits = _page(searcher, query, page, allow, mask, sort)
    titles = {}
    shown = _still_visible(viewer, list(hits), staff_of, titles)
    # Snippets mark the query's words (jieba's for Chinese), whichever field the search matched on.
    marked = {token.text for token in _analyze(searcher, text)}
    finder = _marks_finder(marked)
    results = _name_parents([_result(hit, marked, finder) for hit in shown], titles)
    return Results(text, results, hits.total, page, hits.pagecount)


def _postgres_search(viewer, text, community, kind, status, sort, page, challenge=None):
    """The same search over the database's documents (forum/search/pg.py), the same rules after it."""
    staff_of = _staff_communities(viewer)
    hits, total = pg.matches(
        viewer.id if is_member(viewer) else None,
        staff_of,
        is_admin(viewer),
        text,
        community_id=community.id if community is not None else None,
        kind=kind if kind in TYPES else None,
        status=status or None,
        challenge_id=challenge.id if challenge is not None else None,
        sort=sort,
        page=page,
        page_size=PAGE_SIZE,
    )
    titles = {}
    shown = _still_visible(viewer, hits, staff_of, titles)
    marked = {token.text for token in index.SCHEMA["body"].analyzer(text)}
    finder = _marks_finder(marked)
    results = _name_parents([_result(hit, marked, finder) for hit in shown], titles)
    return Results(text, results, total, page, -(-total // PAGE_SIZE))


def _name_parents(results, titles):
    """Give each untitled result (a comment, an update) the title of the solution or challenge it
    is on: "Comment" alone said nothing of where it was. `titles` ({model: {id: title}}) are those
    _still_visible read already; only the rest are asked for (staff's and admins' results)."""
    wanted = {Solution: set(), Challenge: set()}
    for result in results:
        if not result.title:
            if "solution_id" in result.url_kwargs:
                wanted[Solution].add(result.url_kwargs["solution_id"])
            elif "challenge_id" in result.url_kwargs:
                wanted[Challenge].add(result.url_kwargs["challenge_id"])
    for model, ids in wanted.items():
        ids = ids - set(titles.get(model, {}))
        if ids:
            rows = db.session.execute(db.select(model.id, model.title).where(model.id.in_(ids)))
            titles.setdefault(model, {}).update(rows.all())
    for result in results:
        if not result.title:
            if "solution_id" in result.url_kwargs:
                result.on = titles.get(Solution, {}).get(result.url_kwargs["solution_id"], "")
            elif "challenge_id" in result.url_kwargs:
                result.on = titles.get(Challenge, {}).get(result.url_kwargs["challenge_id"], "")
    return results


def _staff_communities(viewer):
    if not is_member(viewer) or is_admin(viewer):
        return set()
    stmt = db.select(CommunityRole.community_id).filter_by(user_id=viewer.id, role="staff")
    return set(db.session.execute(stmt).scalars())


def _still_visible(viewer, hits, staff_of, titles=None):
    """The hits the database still shows the viewer. The index follows the database a moment
    later (the consumer indexes after the commit), so a result hidden or deleted since is dropped
    here rather than shown: hidden content never reaches a reader who may not see it."""
    if not hits or is_admin(viewer):
        return hits

    wanted = {Challenge: set(), Solution: set(), Comment: set()}
    for hit in hits:
        if int(hit["community"]) in staff_of:
            continue
        wanted[Challenge].add(hit["obj_id"] if hit["type"] == "challenge" else hit["challenge"])
        if hit["type"] == "solution":
            wanted[Solution].add(hit["obj_id"])
        elif hit["solution"]:
            wanted[Solution].add(hit["solution"])
        if hit["type"] == "comment":
            wanted[Comment].add(hit["obj_id"])
    # One round trip: a UNION of the few rows of each kind, each filtered by what the viewer may see.
    selects = []
    for model, ids in wanted.items():
        if ids:
            # The titles come along, for results named by what they are on (_name_parents).
            title = db.literal("").label("title") if model is Comment else model.title
            stmt = db.select(db.literal(model.__name__).label("kind"), model.id, title).where(
                model.id.in_(ids), visible_to(model, viewer)
            )
            selects.append(stmt.where(Comment.deleted.is_(False)) if model is Comment else stmt)
    seen = {model: set() for model in wanted}
    names = {model.__name__: model for model in wanted}
    if selects:
        for kind, row_id, title in db.session.execute(db.union_all(*selects)):
            seen[names[kind]].add(row_id)
            if titles is not None:
                titles.setdefault(names[kind], {})[row_id] = title

    def shown(hit):
        if int(hit["community"]) in staff_of:
            return True
        challenge = hit["obj_id"] if hit["type"] == "challenge" else hit["challenge"]
        solution = hit["obj_id"] if hit["type"] == "solution" else hit["solution"]
        return (
            challenge in seen[Challenge]
            and (not solution or solution in seen[Solution])
            and (hit["type"] != "comment" or hit["obj_id"] in seen[Comment])
        )

    return [hit for hit in hits if shown(hit)]


def _page(searcher, query, page, allow, mask, sort):
    """One page of hits and the total, from one pass over the matches."""
    limit = page * PAGE_SIZE
    if sort == "new":
        collector = searcher.collector(limit=limit, sortedby="created", reverse=True, filter=allow, mask=mask)
    else:
        # Whoosh's default top-N collector skips blocks and prunes the query as its heap fills, so
        # it leaves the total uncounted and counting it took a second pass over every match (a
        # fifth of an English query). Most queries here score nearly every match anyway, so score
        # and count them all at once: the same top N, and the total in the same pass.
        top = collectors.TopCollector(limit, usequality=False, replace=0)
        collector = collectors.FilterCollector(top, allow, mask)
    searcher.search_with_collector(query, collector)
    return ResultsPage(collector.results(), page, PAGE_SIZE)


def _build_query(ix, text):
    """`ix` is an index or a searcher: only its schema is used."""
    # Every word must match (in the title or the body); Chinese runs may match as substrings below.
    parser = MultifieldParser(SEARCHABLE, ix.schema)
    for plugin in (plugins.FieldsPlugin, plugins.WildcardPlugin, plugins.RangePlugin, plugins.BoostPlugin):
        parser.remove_plugin_class(plugin)
    try:
        words = parser.parse(text)
    except Exception:  # Whoosh's parser fails on some inputs (e.g. "NOT OR foobar")
        words = Or([Term(field, token.text) for field in SEARCHABLE for token in _analyze(ix, text)])
    runs = [run for run in CJK_RUN.findall(text) if len(run) >= 2]
    if not runs:
        return words.normalize()
    # Each Chinese run must appear as a substring: every character pair of it in the document
    # (the cjk field holds title and body as pairs), with every other word as before. This finds
    # every document that contains the run, which jieba's words alone would not (they depend on
    # how each text was segmented), and, unlike a phrase query, reads no positions: a
    # pure-Chinese query costs a tenth of what the phrase did.
    pairs = [And([Term("cjk", pair) for pair in bigrams(run)]) for run in runs]
    others = [Or([Term(field, token.text) for field in SEARCHABLE]) for token in _analyze(ix, CJK_RUN.sub(" ", text))]
    return And(pairs + others).normalize()


def _analyze(ix, text):
    return list(ix.schema["body"].analyzer(text))


def _restrictions(searcher, viewer, community, kind, status, staff_of, challenge=None):
    """(allow, mask): the document numbers a search keeps to (None: all) and those it leaves out.

    Visibility is applied inside the search as a mask of the few documents the viewer may not
    see: hidden and pending ones, except their own and those in communities they run (admins see
    all). The filters a user picks (community, type, status) match many documents, so their
    sets are built once per searcher and kept: building them was most of a query's time.
    """
    parts = []
    if community is not None:
        parts.append(Term("community", str(community.id)))
    if kind in TYPES:
        parts.append(Term("type", kind))
    if status:
        parts.append(Term("status", status))
    if challenge is not None:
        parts.append(Term("challenge", challenge.id))
    allow = _cached_docs(searcher, And(parts)) if parts else None
    return allow, _unseen(searcher, viewer, staff_of)


def _unseen(searcher, viewer, staff_of):
    """The documents the viewer may not see (None for admins): few, so built per query."""
    if is_admin(viewer):
        return None
    unseen = Or([Term("visibility", value) for value in NOT_PUBLIC])
    exempt = []
    if is_member(viewer):
        exempt.append(Term("author", str(viewer.id)))
        exempt += [Term("community", str(c)) for c in sorted(staff_of)]
    hidden = set(searcher.docs_for_query(unseen))
    if hidden and exempt:
        # The few hidden documents are checked against the exemptions one by one. (Whoosh's AndNot
        # let an exempt document through when the exemption matched it alone.)
        hidden -= _matching(searcher, Or(exempt), sorted(hidden))
    return hidden


def _matching(searcher, query, docnums):
    """Which of the sorted `docnums` the query matches, skipping through its matcher."""
    matcher, found = query.matcher(searcher), set()
    for docnum in docnums:
        if not matcher.is_active():
            break
        if matcher.id() < docnum:
            matcher.skip_to(docnum)
        if matcher.is_active() and matcher.id() == docnum:
            found.add(docnum)
    return found


def _cached_docs(searcher, query):
    cache = _filter_cache.setdefault(searcher, {})
    key = repr(query)
    if key not in cache:
        if len(cache) >= FILTER_CACHE_SIZE:
            cache.pop(next(iter(cache)))
        cache[key] = set(searcher.docs_for_query(query))  # Whoosh takes a set (not a frozenset); never changed
    return cache[key]


class _MarkFormatter(highlight.Formatter):
    """Matches in <mark>; everything else escaped, since snippets go into pages as HTML."""

    def format_token(self, text, token, replace=False):
        return f"<mark>{escape(highlight.get_text(text, token, replace))}</mark>"

    def format_fragment(self, fragment, replace=False):
        out, index_ = [], fragment.startchar
        text = fragment.text
        for token in fragment.matches:
            if token.startchar < index_:
                continue
            out.append(str(escape(text[index_ : token.startchar])))
            out.append(self.format_token(text, token, replace))
            index_ = token.endchar
        out.append(str(escape(text[index_ : fragment.endchar])))
        return "".join(out)


# Words of other scripts, as the index's analyzer splits them (its Chinese is found by _marks_finder).
OTHER_WORD = re.compile(r"[^\W\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_STEM = StemFilter(stemfn=stem, ignore=None, cachesize=50000)  # the stemming jieba's ChineseAnalyzer does


class _MarksTokenizer(Tokenizer):
    """The places a snippet may mark, without segmenting the text: every non-Chinese word (then
    lowercased and stemmed, as the index does) and each occurrence of the query's Chinese words.
    Running jieba over every result's text for its snippet was a third of a search's time."""

    def __init__(self, chinese_words):
        super().__init__()
        self.chinese_words = chinese_words

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, mode="", **kwargs):  # fmt: skip
        spans = [match.span() for match in OTHER_WORD.finditer(value)]
        for word in self.chinese_words:
            start = value.find(word)
            while start != -1:
                spans.append((start, start + len(word)))
                start = value.find(word, start + 1)
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        # Longest first where marks overlap: the formatter keeps the first of overlapping tokens.
        for number, (start, end) in enumerate(sorted(spans, key=lambda span: (span[0], -span[1]))):
            token.text, token.boost, token.stopped = value[start:end], 1.0, False
            if positions:
                token.pos = start_pos + number
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


def _marks_finder(marked):
    return _MarksTokenizer(sorted(word for word in marked if CJK_RUN.search(word))) | LowercaseFilter() | _STEM


def _result(hit, marked, analyzer):
    snippet = _highlight(hit["body"], marked, analyzer) or _highlight(hit["title"], marked, analyzer)
    snippet = snippet or escape(hit["body"][:160])
    kind = hit["type"]
    # _MarkFormatter escaped every character of the stored text; only its <mark> tags are markup.
    safe_snippet = Markup(snippet)  # noqa: S704
    return Result(kind, hit["obj_id"], hit["title"], safe_snippet, *_link(kind, hit), hit["created"])


def _highlight(text, marked, analyzer):
    fragmenter = highlight.ContextFragmenter(maxchars=160, surround=40)
    return highlight.highlight(text, marked, analyzer, fragmenter, _MarkFormatter(), top=3)


def _link(kind, fields):
    """(endpoint, url arguments) of the page a result opens."""
    if kind == "challenge":
        return "challenges.detail", {"challenge_id": fields["obj_id"]}
    if kind == "solution":
        return "solutions.detail", {"solution_id": fields["obj_id"]}
    anchor = f"comment-{fields['obj_id']}" if kind == "comment" else "prototype"
    if fields["solution"]:
        return "solutions.detail", {"solution_id": fields["solution"], "_anchor": anchor}
    return "challenges.detail", {"challenge_id": fields["challenge"], "_anchor": anchor}


def _database_search(viewer, text, community, kind, status, page, challenge=None):
    """Titles and bodies of challenges and solutions, by substring, newest first: slower and
    plainer than the index, but an answer while the index is rebuilt."""

    pattern = "%" + re.sub(r"([\\%_])", r"\\\1", text) + "%"
    hits = []
    for model, name in ((Solution, "solution"), (Challenge, "challenge")):
        if kind and kind != name:
            continue
        stmt = db.select(model).where(
            or_(model.title.like(pattern, escape="\\"), model.body.like(pattern, escape="\\"))
        )
        if not is_admin(viewer):
            stmt = stmt.where(visible_to(model, viewer))
        if community is not None:
            stmt = stmt.where(model.community_id == community.id)
        if status and name == "solution":
            stmt = stmt.where(Solution.status == status)
        if challenge is not None:
            stmt = stmt.where((Solution.challenge_id if name == "solution" else Challenge.id) == challenge.id)
        for row in db.session.execute(stmt.order_by(model.id.desc()).limit(PAGE_SIZE)).scalars():
            fields = {"obj_id": row.id, "solution": 0, "challenge": 0}
            snippet = escape(index.plain_text(row.body_html)[:160])
            hits.append(Result(name, row.id, row.title, snippet, *_link(name, fields), row.created))
    hits.sort(key=lambda r: r.created, reverse=True)
    return Results(text, hits[:PAGE_SIZE], len(hits), 1, 1, degraded=True)


def similar_solutions(viewer, challenge, text, limit=5):
    """Solutions of the challenge most like `text` (a draft's title and body), so a fan can vote
    for an existing idea instead of posting it again. [] when nothing is alike or the index is down."""
    text = clean_query(text[:2000]) if text else ""
    if len(text) < 4:
        return []
    if current_app.config["SEARCH_BACKEND"] == "postgres":
        staff_of = _staff_communities(viewer)
        viewer_id = viewer.id if is_member(viewer) else None
        hits = pg.similar(viewer_id, staff_of, is_admin(viewer), challenge.id, text, limit=limit)
        return [{"id": hit["obj_id"], "title": hit["title"]} for hit in _still_visible(viewer, hits, staff_of)]
    try:
        searcher = index.searcher()
    except index.IndexUnavailable:
        return []
    terms = [term for term, _score in searcher.key_terms_from_text("body", text, numterms=12)]
    if not terms:
        return []
    wanted = Or([Term(field, term) for term in terms for field in SEARCHABLE])
    in_challenge = And([Term("type", "solution"), Term("challenge", challenge.id)])
    staff_of = _staff_communities(viewer)
    hits = searcher.search(wanted, filter=in_challenge, mask=_unseen(searcher, viewer, staff_of), limit=limit)
    return [{"id": hit["obj_id"], "title": hit["title"]} for hit in _still_visible(viewer, list(hits), staff_of)]
