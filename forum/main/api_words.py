"""The API page's words in the reader's language. The OpenAPI document stays in English (scripts
and tools read it); the page shows each operation's summary and each parameter's description
from the catalog, and in English, marked lang="en", what the catalog does not have yet."""

import re

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

# The summaries and descriptions the operations declare (forum/api/*.py), listed so that the
# catalog extracts them; a test names any the Chinese catalog lacks.
WORDS = (
    _l("A community's slug"),
    _l("A page of the challenge's solutions"),
    _l("A page of the community's challenges"),
    _l("All communities"),
    _l("All time, or the last 30 days"),
    _l("At most this many rows"),
    _l(
        "Change the text (author while submissions are open, staff), deadlines and budget (staff), "
        "or move the phase forward (staff)"
    ),
    _l("Comment on the solution, or reply to one of its comments"),
    _l("Create a community (admins)"),
    _l(
        "Edit the text (the author while submissions are open; staff, with a note, from voting on) "
        "or hide and restore it (staff)"
    ),
    _l("Fans with the most points, site-wide or in one community"),
    _l("From the `next` link of the previous page"),
    _l("Get a token for a username (or email) and password; it is shown once"),
    _l("Move the solution to a new status with a public note (staff; declining needs a note)"),
    _l("One challenge"),
    _l("One community"),
    _l("One solution"),
    _l("Only results of this type"),
    _l("Only solutions posted at or after this time"),
    _l("Only solutions with at least this many votes"),
    _l("Only solutions with this status"),
    _l("Only this challenge's solutions"),
    _l("Order of the list"),
    _l("Order of the results"),
    _l("Order of the rows"),
    _l("Page number"),
    _l("Post a milestone update (staff); the author, voters and followers hear of it"),
    _l("Post a problem; staff may run it as a campaign with deadlines and a vote budget"),
    _l("Public milestone updates of the solution's prototype, newest first"),
    _l("Report the solution to the community's staff"),
    _l("Score the solution on the rubric in the review phase (staff); scoring again replaces it"),
    _l("Search challenges, solutions, comments and prototype updates you may see"),
    _l("Solutions of a community or a challenge as CSV (staff and product team)"),
    _l("Solutions of a community or a challenge as JSON (staff and product team)"),
    _l("Solutions of a community or a challenge as XLSX (staff and product team)"),
    _l("Submit a solution while the challenge takes submissions"),
    _l("The challenge's id"),
    _l("The community's slug"),
    _l("The community's slug (or give `challenge`)"),
    _l("The solution's comments, oldest first, each reply after its parent"),
    _l("The solution's id"),
    _l("The solution's rubric reviews (staff and product team)"),
    _l("This document"),
    _l("Vote for the solution (voting again changes nothing)"),
    _l("Withdraw your vote while voting is open"),
    _l("Words to find, in Chinese or English"),
    # forum/api/webhooks.py
    _l("Add a webhook; its secret is in this answer only"),
    _l("Only this community's hooks (its slug)"),
    _l("Remove a webhook"),
    _l("Send the webhook a signed `webhook.test` message"),
    _l("The webhook's id"),
    _l("The webhooks you manage"),
    _l("The webhook's delivery log, newest attempt first"),
    _l("Send a delivery of the log again, with its `webhook-id` and body"),
    _l("The delivery's id (from the log)"),
)
# Who an operation allows (the `auth` of its declaration).
ALLOWED = {
    "member": _l("members"),
    "admins": _l("admins"),
    "staff": _l("staff"),
    "staff and product team": _l("staff and the product team"),
}
# Where a parameter goes.
PLACES = {"path": _l("path"), "query": _l("query string"), "header": _l("header")}
# The groups of operations (their tags).
GROUPS = {
    "challenges": _l("Challenges"),
    "comments": _l("Comments"),
    "communities": _l("Communities"),
    "exports": _l("Exports"),
    "flags": _l("Reports"),
    "leaderboard": _l("Leaderboard"),
    "meta": _l("This document"),
    "prototypes": _l("Prototypes"),
    "reviews": _l("Reviews"),
    "search": _l("Search"),
    "solutions": _l("Solutions"),
    "status": _l("Status"),
    "tokens": _l("API tokens"),
    "votes": _l("Votes"),
    "webhooks": _l("Webhooks"),
}
NEEDS_TOKEN = re.compile(r"Needs a token\. Allowed: (.+)\.")


def say(words):
    """`words` from the OpenAPI document in the reader's language, with `quoted` names as code,
    or None when the catalog has no translation (the page then shows them in English)."""
    if not words:
        return None
    needs = NEEDS_TOKEN.fullmatch(words)
    if needs and needs.group(1) in ALLOWED:
        said = gettext("Needs a token. Allowed: %(who)s.", who=str(ALLOWED[needs.group(1)]))
    else:
        said = gettext(words)
        if said == words:
            return None
    # Escaped first, so only the <code> added here is markup.
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(said))))  # noqa: S704


def group(tag):
    """A group's name in the reader's language, or None."""
    return GROUPS.get(tag)


def place(where):
    return PLACES.get(where, where)
