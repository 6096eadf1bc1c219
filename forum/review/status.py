"""The status of an idea: staff move it, with a public note, and everyone with a stake hears."""

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from forum import languages, text
from forum.audit import record_action
from forum.errors import RuleBroken
from forum.extensions import db
from forum.notifications.services import notify
from forum.permissions import can_answer, require
from forum.points import services as points
from forum.review.models import StatusChange
from forum.solutions import votes
from forum.solutions.models import STATUSES
from forum.validation import checked_markdown
from forum.webhooks import events as webhooks

NOTE_MAX = 2000
# Where staff may move a solution from each status; "merged" comes only from a merge.
TRANSITIONS = {
    "open": {"shortlisted", "declined"},
    "shortlisted": {"open", "prototyping", "declined"},
    "prototyping": {"prototyped", "shortlisted"},
    "prototyped": set(),
    "declined": {"open"},
    "merged": set(),
}


def allowed_statuses(solution):
    return [status for status in STATUSES if status in TRANSITIONS[solution.status]]


def change_status(actor, solution, status, note=""):
    """Move a solution to `status` with a public note (required to decline) and tell its author,
    voters and followers, each once. Raises Forbidden or RuleBroken."""
    require(can_answer(actor, solution))
    if status not in TRANSITIONS.get(solution.status, ()):
        raise RuleBroken(_l("A solution cannot move from this status to that one."), field="status")
    note = checked_markdown(
        note, "note", NOTE_MAX, _l("Tell the author and the voters why.") if status == "declined" else None
    )
    change = record_status(actor, solution, status, note)
    return change


def record_status(actor, solution, status, note, tell=True, note_key=None, note_params=None):
    """Write the step, the audit entry and (unless the caller tells people itself) the
    notifications, in the caller's transaction. A note the forum writes itself comes as
    `note_key` (one of SYSTEM_NOTES) with `note_params`, never as words: it is read in each
    reader's language."""
    note = "" if note_key else str(note or "")
    change = StatusChange(
        solution_id=solution.id,
        actor_id=actor.id if actor is not None else None,
        from_status=solution.status,
        to_status=status,
        note=note,
        note_html=text.render(note),
        lang=languages.detect(markdown=note),
        note_key=note_key,
        note_params=note_params or None,
    )
    db.session.add(change)
    record_action(
        actor,
        "solution.status",
        solution,
        community=solution.challenge.community,
        before={"status": solution.status},
        after={"status": status, "note": note},
    )
    solution.status = status
    db.session.flush()
    points.resync(solution)
    webhooks.emit(
        solution.community_id,
        "solution.status_changed",
        solution=solution.id,
        status_change=change.id,
        previous_status=change.from_status,
    )
    if tell:
        # The consumer finds the voters, followers and author: the door stays quick with 20,000.
        audience = (votes.STAKE, solution.id)
        notify(
            None,
            "status",
            actor=actor,
            challenge=solution.challenge,
            solution=solution,
            detail=status,
            audience=audience,
        )
    return change


def trail(solution):
    stmt = (
        db.select(StatusChange)
        .where(StatusChange.solution_id == solution.id)
        .options(joinedload(StatusChange.actor))
        .order_by(StatusChange.id)
    )
    return db.session.execute(stmt).scalars().all()
