"""The vote button's words for screen readers: its accessible name and what its live region says
after a vote (templates/_macros/ui.html, static/app.js).

Each comes as text (the JSON's `name`, `said`) or, with html=True, as markup whose title sits in a
<span lang> when the idea is written in the other language, so a screen reader reads a Chinese
title in a Chinese voice inside an English sentence. The markup is the catalog's sentence (ours)
around the title escaped by forum/i18n.py's user_span.
"""

from flask_babel import ngettext
from markupsafe import Markup

from forum.i18n import user_span


def _title(solution, html):
    return user_span(solution, solution.title) if html else solution.title


def _made(words, html):
    # Safe to mark: the catalog's sentence (ours), the title escaped by user_span, numbers.
    return Markup(words) if html else words  # noqa: S704


def name(solution, count=None, html=False):
    """A member's vote button: its idea and its count. Whether their vote is in is the button's
    aria-pressed, so the name stays the same when it changes."""
    count = solution.vote_count if count is None else count
    words = ngettext(
        "Vote for %(title)s, %(num)d vote", "Vote for %(title)s, %(num)d votes", count, title=_title(solution, html)
    )
    return _made(words, html)


def login_name(solution, html=False):
    """A visitor's vote link, which leads to logging in."""
    words = ngettext(
        "Log in to vote for %(title)s, %(num)d vote",
        "Log in to vote for %(title)s, %(num)d votes",
        solution.vote_count,
        title=_title(solution, html),
    )
    return _made(words, html)


def said(solution, voted, count, left=None, html=False):
    """The sentence after a vote (voted) or a withdrawal; `left` is the votes the fan has left in a
    budgeted challenge, None in one without a budget. One message per case, so that a translation
    joins the sentences its own way (Chinese puts no space between them)."""
    return _made(_said(voted, count, left, _title(solution, html)), html)


def _said(voted, count, left, title):
    words = {"title": title, "left": left}
    if voted and left is not None:
        return ngettext(
            "You voted for %(title)s. It has %(num)d vote now. Votes left in this challenge: %(left)d.",
            "You voted for %(title)s. It has %(num)d votes now. Votes left in this challenge: %(left)d.",
            count,
            **words,
        )
    if voted:
        return ngettext(
            "You voted for %(title)s. It has %(num)d vote now.",
            "You voted for %(title)s. It has %(num)d votes now.",
            count,
            **words,
        )
    if left is not None:
        return ngettext(
            "You withdrew your vote for %(title)s. It has %(num)d vote now. Votes left in this challenge: %(left)d.",
            "You withdrew your vote for %(title)s. It has %(num)d votes now. Votes left in this challenge: %(left)d.",
            count,
            **words,
        )
    return ngettext(
        "You withdrew your vote for %(title)s. It has %(num)d vote now.",
        "You withdrew your vote for %(title)s. It has %(num)d votes now.",
        count,
        **words,
    )
