"""The vote button's words for screen readers: its accessible name and what its live region says
after a vote (templates/_macros/ui.html, static/app.js)."""

from flask_babel import ngettext


def name(solution, count=None):
    """A member's vote button: its idea and its count. Whether their vote is in is the button's
    aria-pressed, so the name stays the same when it changes."""
    count = solution.vote_count if count is None else count
    return ngettext(
        "Vote for %(title)s, %(num)d vote", "Vote for %(title)s, %(num)d votes", count, title=solution.title
    )


def login_name(solution):
    """A visitor's vote link, which leads to logging in."""
    return ngettext(
        "Log in to vote for %(title)s, %(num)d vote",
        "Log in to vote for %(title)s, %(num)d votes",
        solution.vote_count,
        title=solution.title,
    )


def said(solution, voted, count, left=None):
    """The sentence after a vote (voted) or a withdrawal; `left` is the votes the fan has left in a
    budgeted challenge, None in one without a budget. One message per case, so that a translation
    joins the sentences its own way (Chinese puts no space between them)."""
    words = {"title": solution.title, "left": left}
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
