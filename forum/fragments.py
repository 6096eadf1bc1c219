"""Rendered pieces of pages kept per worker, keyed by the data they show.

A card in a list (a solution's title, status, author, tags, excerpt and picture) or a comment (its
author, time and text) costs more to render than the rest of its row, and its HTML changes only
when something its key names does. The keys are built here, next to the data they name, one
function per kind of fragment; templates pass the object:

    {% call cached("solution-card", solution) %}...{% endcall %}

Every key also names the reader's language and time zone. Whatever differs per reader (the vote
button, a comment's edit and report links) stays outside the block. Entries expire after
FRAGMENT_CACHE_SECONDS too, a bound on anything a key misses.

The cache is each process's own even when Redis is configured (forum/caching.py): a key names the
data, so two workers can only differ in which fragments they hold, never in what one shows, and a
round trip per card would cost about what rendering it does.
"""

from flask import current_app

from forum import caching, text
from forum.i18n import formatting


def init_app(app):
    caching.init_fragments(app)
    # The backend itself, None when FRAGMENT_CACHE_SIZE is 0: a card looks it up in one step.
    app.extensions["fragments"] = app.extensions.get("cache", {}).get(caching.fragments)
    app.jinja_env.globals["cached"] = cached
    app.jinja_env.filters["excerpt"] = text.excerpt  # what cards quote of a body


def solution_card_key(solution):
    """What a solution's card shows: the row's `updated` time, which every change to the row
    moves (its counts, status and review flag included), and what lives in other rows: the
    author's name, the tags and the first picture."""
    return (
        solution.id,
        solution.updated,
        solution.author.username if solution.author else None,
        tuple(tag.name for tag in solution.tags),
        solution.images[0].thumb_name if solution.images else None,
    )


def challenge_card_key(challenge):
    """What a challenge's card shows: the row, and its phase, which moves with the clock when a
    deadline passes while the row stays as it was."""
    return (challenge.id, challenge.updated, challenge.current_phase())


def comment_key(comment):
    """A comment's head and text: its edit time, its removal and its author's name (its visibility
    and the reader's links are outside the block)."""
    return (comment.id, comment.edited, comment.deleted, comment.author.username if comment.author else None)


KEYS = {
    "solution-card": solution_card_key,
    "challenge-card": challenge_card_key,
    "comment": comment_key,
}


def key(kind, obj):
    """The cache key of `obj`'s fragment of `kind` for this request's reader."""
    locale, zone = formatting()
    # A tuple's repr keeps the parts apart whatever a name or a tag contains (strings are quoted),
    # at a third of json.dumps's cost: a discussion page asks for a hundred keys.
    return repr((kind, *KEYS[kind](obj), str(locale), str(zone)))


def cached(kind, obj, *, caller):
    """The block's HTML as rendered before for the same key, else rendered and kept now."""
    fragments = current_app.extensions["fragments"]
    if fragments is None:
        return caller()
    fragment_key = key(kind, obj)
    html = fragments.get(fragment_key)
    if html is None:
        html = caller()
        fragments.set(fragment_key, html)
    return html
