"""@mentions in solutions and comments: the @names of members become links to their profiles,
and each member named hears of it once per item (never its author; not again on an edit that
names them again). Only public items tell: one waiting for staff approval or hidden tells no one,
as it would show them nothing."""

from flask import current_app

from forum import text
from forum.accounts.models import User
from forum.accounts.services import username_key
from forum.extensions import db
from forum.notifications.services import notify

# Names looked up per item at most: a comment of a hundred @names is not a way to notify a hundred.
MAX_NAMED = 20


def render(body):
    """(the body's HTML with its members' @names linked, the ids of the members named)."""
    named = members_named(body)
    urls = current_app.url_map.bind("")  # paths alone: requests, jobs and commands alike
    links = {written: urls.build("accounts.profile", {"username": user.username}) for written, user in named.items()}
    return text.render(body, links), {user.id for user in named.values()}


def members_named(body):
    """{@name as written: the member} for the names in `body` that are members."""
    written = text.mentioned_names(body)[:MAX_NAMED]
    if not written:
        return {}
    keys = {username_key(name): name for name in written}
    users = db.session.execute(db.select(User).where(User.username_key.in_(keys))).scalars()
    found = {user.username_key: user for user in users}
    return {name: found[key] for key, name in keys.items() if key in found}


def tell(user_ids, item, *, actor, challenge, solution, comment=None, before=()):
    """Notify the members newly named in a public item; returns whom it told."""
    if getattr(item, "visibility", "public") != "public":
        return set()
    told = set(user_ids) - set(before) - {actor.id}
    notify(told, "mention", actor=actor, challenge=challenge, solution=solution, comment=comment)
    return told
