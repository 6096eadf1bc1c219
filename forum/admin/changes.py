"""The audit log made readable: who (a person, or what started an automatic action), the action's
name, its target, and its before/after as rows of the fields that changed, names and values in the
reader's language. Entries store codes and plain values; everything said here is said when read."""

import json
from dataclasses import dataclass, field
from datetime import datetime

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from forum.accounts.models import User
from forum.admin.forms import COMMUNITY_ROLE_LABELS, SITE_ROLE_LABELS
from forum.audit import ACTION_LABELS, COMMAND_LINE, DEADLINE, REPORTS
from forum.challenges.models import Challenge
from forum.extensions import db
from forum.phases import PHASE_LABELS
from forum.review.forms import CRITERIA_LABELS
from forum.solutions.models import STATUS_LABELS, Solution

TEXT_MAX = 300

# What started an automatic action, for the filter (the log itself counts the reports).
CAUSE_LABELS = {
    REPORTS: _l("Fans' reports"),
    DEADLINE: _l("Deadline"),
    COMMAND_LINE: _l("Command line"),
}
FIELD_LABELS = {
    "visibility": _l("Visibility"),
    "status": _l("Status"),
    "note": _l("Note"),
    "phase": _l("Phase"),
    "role": _l("Role"),
    "site_role": _l("Site role"),
    "email": _l("Email"),
    "until": _l("Suspended until"),
    "flags": _l("Reports"),
    "target": _l("Merged into"),
    "reviewer": _l("Reviewer"),
    "title": _l("Title"),
    "body": _l("Text"),
    "slug": _l("Address"),
    "name": _l("Name"),
    "description": _l("Description"),
    "time_zone": _l("Time zone"),
    "vote_budget": _l("Vote budget"),
    "review_threshold": _l("Reviews needed"),
    "submission_ends": _l("Submissions end"),
    "voting_ends": _l("Voting ends"),
    "reward": _l("Reward"),
    "flag_threshold": _l("Reports that hide a post"),
    "hold_first_posts": _l("Hold new members' first posts"),
    "user": _l("Member"),
    "attended": _l("Came"),
    "event": _l("Event"),
    "version": _l("Version"),
    "ideas": _l("Ideas shipped"),
    **CRITERIA_LABELS,
}
VISIBILITY_LABELS = {"public": _l("Public"), "hidden": _l("Hidden"), "pending": _l("Awaiting approval")}
# Fields whose stored codes have names.
VALUE_LABELS = {
    "visibility": VISIBILITY_LABELS,
    "status": STATUS_LABELS,
    "phase": PHASE_LABELS,
    "role": COMMUNITY_ROLE_LABELS,
    "site_role": SITE_ROLE_LABELS,
}
TIMES = frozenset({"until", "submission_ends", "voting_ends"})
TARGET_LABELS = {
    "challenge": _l("Challenge"),
    "solution": _l("Solution"),
    "comment": _l("Comment"),
    "community": _l("Community"),
    "user": _l("Member"),
    "release": _l("Release note"),
    "webhook": _l("Webhook"),
}


@dataclass
class Value:
    """One side of a change: words, or a time the template formats in the reader's zone."""

    text: str = ""
    when: datetime | None = None


@dataclass
class Change:
    label: str
    before: Value
    after: Value


@dataclass
class Line:
    """An audit entry as the log shows it."""

    entry: object
    who: str
    who_url: str | None
    automatic: bool
    action: str
    target: str
    target_url: str | None
    changes: list = field(default_factory=list)


def readable(entries):
    """The page's entries as Lines; the targets' names are read in one query per kind."""
    names = _target_names(entries)
    return [_line(entry, names) for entry in entries]


def who(entry):
    """The actor's name, or what started an automatic action: "3 reports", "Deadline", ..."""
    if entry.actor is not None:
        return entry.actor.username
    if entry.cause == REPORTS:
        count = entry.cause_count or (entry.after or {}).get("flags")
        if isinstance(count, int):
            return ngettext("%(num)d report", "%(num)d reports", count)
    if entry.cause in CAUSE_LABELS:
        return str(CAUSE_LABELS[entry.cause])
    return _("Removed account")


def changes(before, after):
    """Rows for the fields that differ between the two snapshots (all of them when one is empty)."""
    before, after = before or {}, after or {}
    keys = list(after) + [key for key in before if key not in after]
    rows = []
    for key in keys:
        old, new = before.get(key), after.get(key)
        if key in before and key in after and old == new:
            continue
        label = FIELD_LABELS.get(key)
        rows.append(
            Change(
                str(label) if label else key.replace("_", " "),
                _value(key, old) if key in before else Value("—"),
                _value(key, new) if key in after else Value("—"),
            )
        )
    return rows


def _line(entry, names):
    label = ACTION_LABELS.get(entry.action)
    return Line(
        entry=entry,
        who=who(entry),
        who_url=url_for("admin.user_detail", user_id=entry.actor.id) if entry.actor is not None else None,
        automatic=entry.actor is None and entry.cause is not None,
        action=str(label) if label else entry.action,
        target=_target(entry, names),
        target_url=_target_url(entry),
        changes=changes(entry.before, entry.after),
    )


def _value(key, value):
    if value is None or value == "":
        return Value("—")
    if isinstance(value, bool):
        return Value(_("Yes") if value else _("No"))
    names = VALUE_LABELS.get(key)
    if names is not None and value in names:
        return Value(str(names[value]))
    if key in TIMES and isinstance(value, str):
        try:
            return Value(when=datetime.fromisoformat(value).replace(tzinfo=None))
        except ValueError:
            return Value(value)
    if key == "target" and isinstance(value, int):
        return Value(f"#{value}")
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)  # the characters themselves, not \\u escapes
    value = str(value)
    return Value(value if len(value) <= TEXT_MAX else value[: TEXT_MAX - 1] + "…")


def _target_names(entries):
    """{(type, id): name} of the users, challenges and solutions the entries name."""
    wanted = {}
    for entry in entries:
        if entry.target_id is not None:
            wanted.setdefault(entry.target_type, set()).add(entry.target_id)
    names = {}
    kinds = (
        ("user", User, User.username),
        ("challenge", Challenge, Challenge.title),
        ("solution", Solution, Solution.title),
    )
    for kind, model, column in kinds:
        if wanted.get(kind):
            rows = db.session.execute(db.select(model.id, column).where(model.id.in_(wanted[kind])))
            names.update({(kind, row_id): name for row_id, name in rows})
    return names


def _target(entry, names):
    kind = TARGET_LABELS.get(entry.target_type)
    kind = str(kind) if kind else entry.target_type
    if entry.target_type == "community" and entry.community is not None:
        return f"{kind} · {entry.community.name}"
    name = names.get((entry.target_type, entry.target_id))
    number = f"#{entry.target_id}" if entry.target_id is not None else ""
    return f"{kind} {number} · {name}" if name else f"{kind} {number}".strip()


def _target_url(entry):
    if entry.target_id is None:
        return None
    if entry.target_type == "challenge":
        return url_for("challenges.detail", challenge_id=entry.target_id)
    if entry.target_type == "solution":
        return url_for("solutions.detail", solution_id=entry.target_id)
    if entry.target_type == "user":
        return url_for("admin.user_detail", user_id=entry.target_id)
    if entry.target_type == "community" and entry.community is not None:
        return url_for("communities.detail", slug=entry.community.slug)
    return None
