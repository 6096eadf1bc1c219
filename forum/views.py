"""Small helpers every feature's views share: going back after an action, reporting a refusal,
reading query parameters that reach the database, linking back to this page."""

from flask import flash, g, get_flashed_messages, redirect, request, session, url_for

from forum.database import sql_int
from forum.security import safe_next
from forum.transaction import abandon


def init_app(app):
    app.jinja_env.globals.update(this_page=this_page, login_here=login_here, refusal_at=refusal_at)


def this_page():
    """This page's path and query: the `next` of its forms and of links that come back to it."""
    return request.full_path.rstrip("?")


def login_here():
    """The login link that comes back to this page, built once per request: every card in a
    visitor's list has one."""
    url = g.get("_login_here")
    if url is None:
        url = g._login_here = url_for("accounts.login", next=this_page())
    return url


def back(default):
    """Redirect to the page the action came from (a `next` field), else to `default`."""
    return redirect(safe_next(request.form.get("next") or request.args.get("next"), default))


def refused(error, default):
    """Tell the user why a one-click action was refused and go back; nothing it wrote is kept."""
    abandon()
    flash(str(error.message), "error")
    return back(default)


# A refusal flashed for one control: its category names the control's id (made by the server).
IN_PLACE = "refused:"


def refused_in_place(error, control, default):
    """Like `refused`, but the page comes back at the control's anchor and shows the message
    beside it (refusal_at), where the fan is looking. `control` is the refused control's element
    id (a vote's form is vote-<solution id>), made by the server, never taken from the request."""
    abandon()
    flash(str(error.message), IN_PLACE + control)
    target = safe_next(request.form.get("next") or request.args.get("next"), default)
    return redirect(f"{target.split('#')[0]}#{control}")


def refusal_at(control):
    """The refusal flashed for this control, if any (templates/_partials/flashes.html shows it at the
    top as well, hidden by app.css once the control shows it)."""
    for category, message in get_flashed_messages(with_categories=True):
        if category == IN_PLACE + control:
            return message
    return None


def clear_draft():
    """Tell the browser the text typed into this page's form is saved: drop its local draft."""
    session["clear_draft"] = request.path


def id_arg(name):
    """A positive id from the query string, or None when it is missing, malformed or past what
    the id columns hold (PostgreSQL would raise on it)."""
    return sql_int(request.args.get(name), minimum=1)


def text_arg(name, maximum):
    """A query-string text, capped, without the NUL characters PostgreSQL refuses."""
    return (request.args.get(name) or "")[:maximum].replace("\x00", "")
