"""Small helpers every feature's views share: going back after an action, reporting a refusal,
reading query parameters that reach the database, linking back to this page."""

from flask import flash, g, redirect, request, session, url_for

from forum.database import sql_int
from forum.security import safe_next
from forum.transaction import abandon


def init_app(app):
    app.jinja_env.globals.update(this_page=this_page, login_here=login_here)


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
