"""Small helpers every feature's views share: going back after an action, reporting a refusal,
reading query parameters that reach the database."""

from flask import flash, redirect, request, session

from forum.database import INT_MAX
from forum.security import safe_next


def back(default):
    """Redirect to the page the action came from (a `next` field), else to `default`."""
    return redirect(safe_next(request.form.get("next") or request.args.get("next"), default))


def refused(error, default):
    """Tell the user why a one-click action was refused and go back."""
    flash(str(error.message), "error")
    return back(default)


def clear_draft():
    """Tell the browser the text typed into this page's form is saved: drop its local draft."""
    session["clear_draft"] = request.path


def id_arg(name):
    """A positive id from the query string, or None when it is missing, malformed or past what
    the id columns hold (PostgreSQL would raise on it)."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 < value <= INT_MAX else None


def text_arg(name, maximum):
    """A query-string text, capped, without the NUL characters PostgreSQL refuses."""
    return (request.args.get(name) or "")[:maximum].replace("\x00", "")
