"""Actions that are hard to undo ask first, with or without JavaScript.

Each such action declares its words once, as a `Confirmation`. Its form is drawn by
`forms.confirmed` (templates/_macros/forms.html), which static/app.js turns into a dialog that
posts `confirmed=1`. Its view calls `ask_first` once it has loaded and authorized: a POST
without `confirmed=1` (JavaScript off, an old page) gets a page asking the same question, so one
tap never does the action, and only those who may act are ever asked. The API does not ask:
its clients mean what they send.
"""

from dataclasses import dataclass

from flask import render_template, request
from flask_babel import gettext as _

from forum.security import safe_next

_DECLARED = {}


@dataclass(frozen=True)
class Confirmation:
    """The question an action asks, what doing it means, the label of the button that does it and,
    where "Cancel" would name the action itself, of the one that does not."""

    name: str
    question: str
    detail: str
    button: str
    cancel: str | None = None

    def __post_init__(self):
        if self.name in _DECLARED:
            raise ValueError(f"confirmation {self.name!r} is declared twice")
        _DECLARED[self.name] = self

    def words(self, **params):
        """The translated texts, with `params` filled into the question and the detail."""
        return {
            "question": self.question % params if params else str(self.question),
            "detail": self.detail % params if params else str(self.detail),
            "button": str(self.button),
            "cancel": str(self.cancel) if self.cancel else _("Cancel"),
        }


def init_app(app):
    app.jinja_env.globals.update(confirmation=confirmation)


def confirmation(which, /, **params):
    """The words of a declared confirmation, for templates. Raises KeyError for an unknown one."""
    return _DECLARED[which].words(**params)


def ask_first(which, /, *, cancel, keep=None, summary=None, subject=None, **params):
    """The page that asks before acting, or None when this POST says `confirmed=1`.

    `cancel` is where Cancel goes unless the form names a safe `next`; `keep` holds the form's
    other fields, already checked by the view, to post again with the answer; `summary` says
    what was chosen (a suspension's length) and `subject` quotes what the action is about, since
    this page, unlike the dialog, no longer shows it; `params` fill in the words. The page
    writes nothing."""
    if request.form.get("confirmed") == "1":
        return None
    fields = {key: value for key, value in (keep or {}).items() if value not in (None, "", False)}
    back_to = safe_next(request.form.get("next"), None)
    if back_to:
        fields["next"] = back_to
    return render_template(
        "confirm.html",
        words=confirmation(which, **params),
        summary=summary,
        subject=_excerpt(subject),
        fields=fields,
        cancel_url=back_to or cancel,
    )


def _excerpt(text, limit=160):
    if not text:
        return None
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
