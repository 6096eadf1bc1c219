"""Small helpers every feature's views share: going back after an action, reporting a refusal."""

from flask import flash, redirect, request, session

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
