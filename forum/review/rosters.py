"""Event rosters for the community's staff: who is booked, who waits (in order), who cancelled;
attendance marked per person; the roster as CSV."""

import csv
import io
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from sqlalchemy.orm import selectinload

from forum.audit import record_action
from forum.database import get_or_raise
from forum.errors import RuleBroken
from forum.extensions import db
from forum.permissions import can_answer, require
from forum.review.models import Event, EventSignup, Prototype
from forum.zones import iso

# Spreadsheets run a cell that starts like a formula; such cells get a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = ("list", "position", "username", "signed_up", "cancelled", "attended")


def _csv_words():
    """The CSV's header and its words, in the language of the staff member who downloads it."""
    header = (
        pgettext("roster CSV", "list"),
        pgettext("roster CSV", "position"),
        pgettext("roster CSV", "username"),
        pgettext("roster CSV", "signed_up"),
        pgettext("roster CSV", "cancelled"),
        pgettext("roster CSV", "attended"),
    )
    words = {
        "booked": pgettext("roster CSV", "booked"),
        "waiting": pgettext("roster CSV", "waiting"),
        "cancelled": pgettext("roster CSV", "cancelled"),
        True: pgettext("roster CSV", "yes"),
        False: pgettext("roster CSV", "no"),
    }
    return header, words


@dataclass(frozen=True)
class Roster:
    event: Event
    solution: object
    booked: list
    waiting: list
    cancelled: list


def event_for_staff(actor, event_id):
    """The event and its solution, for the community's staff. Raises NotFound or Forbidden."""
    event = get_or_raise(Event, id=event_id)
    solution = db.session.get(Prototype, event.prototype_id).solution
    require(can_answer(actor, solution))
    return event, solution


def roster(actor, event_id):
    """Raises NotFound or Forbidden."""
    event, solution = event_for_staff(actor, event_id)
    signups = (
        db.session.execute(
            db.select(EventSignup)
            .filter_by(event_id=event.id)
            .options(selectinload(EventSignup.user))
            .order_by(EventSignup.id)
        )
        .scalars()
        .all()
    )
    return Roster(
        event=event,
        solution=solution,
        booked=[s for s in signups if s.cancelled is None and not s.waitlisted],
        waiting=[s for s in signups if s.cancelled is None and s.waitlisted],
        cancelled=sorted((s for s in signups if s.cancelled is not None), key=lambda s: s.cancelled),
    )


def mark_attendance(actor, event_id, signup_id, attended):
    """Mark whether one booked fan came (True, False, or None to clear it); audited.
    Raises NotFound, Forbidden or RuleBroken."""
    event, solution = event_for_staff(actor, event_id)
    signup = get_or_raise(EventSignup, id=signup_id, event_id=event.id)
    if signup.cancelled is not None or signup.waitlisted:
        raise RuleBroken(_l("Only fans with a seat can be marked as present."), field="attended")
    before = signup.attended
    signup.attended = attended
    record_action(
        actor,
        "event.attendance",
        solution,
        community=solution.challenge.community,
        before={"user": signup.user.username, "attended": before},
        after={"user": signup.user.username, "attended": attended, "event": event.title},
    )
    return signup


def roster_csv(roster_):
    """The roster as UTF-8 CSV with a byte-order mark (Excel reads Chinese names with it); times
    in UTC ISO 8601, as the API gives them."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    header, words = _csv_words()
    writer.writerow(header)
    lists = (("booked", roster_.booked), ("waiting", roster_.waiting), ("cancelled", roster_.cancelled))
    for name, signups in lists:
        for position, signup in enumerate(signups, start=1):
            username = signup.user.username
            if username.startswith(FORMULA_STARTS):
                username = "'" + username
            attended = "" if signup.attended is None else words[bool(signup.attended)]
            writer.writerow((words[name], position, username, iso(signup.created), iso(signup.cancelled), attended))
    return buffer.getvalue().encode("utf-8")
