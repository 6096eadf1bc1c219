"""Promotion to prototyping: the expert team, public milestone updates with photos, offline events
with seats and a waiting list."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from forum import languages, text
from forum.audit import record_action
from forum.clock import utcnow
from forum.database import get_or_raise, increment
from forum.errors import RuleBroken
from forum.extensions import db
from forum.media.models import Image
from forum.notifications.services import notify
from forum.permissions import can_answer, is_member, require, suspension_refusal
from forum.review.models import Event, EventSignup, Prototype, PrototypeUpdate
from forum.review.status import record_status
from forum.solutions.votes import STAKE
from forum.validation import checked_markdown, checked_text
from forum.webhooks import events as webhooks

BODY_MAX = 10_000
TITLE_MAX = 200
PLACE_MAX = 200


def promote(actor, solution, team, note=""):
    """Take a shortlisted solution into prototyping with an expert team: any members (its author
    and the community's staff are offered first). Raises Forbidden or RuleBroken."""
    require(can_answer(actor, solution))
    if solution.status != "shortlisted":
        raise RuleBroken(_l("Shortlist a solution before promoting it."), field="status")
    if not team or not all(is_member(member) for member in team):
        raise RuleBroken(_l("Choose the expert team from the forum's members."), field="team")
    prototype = Prototype(solution_id=solution.id, team=list(team))
    db.session.add(prototype)
    record_status(actor, solution, "prototyping", checked_markdown(note, "note", 2000))
    return prototype


def prototype_of(solution):
    stmt = db.select(Prototype).filter_by(solution_id=solution.id).options(selectinload(Prototype.team))
    return db.session.execute(stmt).scalar_one_or_none()


def updates(prototype):
    stmt = (
        db.select(PrototypeUpdate)
        .filter_by(prototype_id=prototype.id)
        .options(selectinload(PrototypeUpdate.author), selectinload(PrototypeUpdate.images))
        .order_by(PrototypeUpdate.id.desc())
    )
    return db.session.execute(stmt).scalars().all()


def events(prototype):
    return (
        db.session.execute(db.select(Event).filter_by(prototype_id=prototype.id).order_by(Event.starts)).scalars().all()
    )


def post_update(actor, prototype, body, image_ids=()):
    """Publish a milestone (Markdown with photos) and tell the solution's author, voters and followers."""
    solution = prototype.solution
    require(can_answer(actor, solution))
    body = checked_markdown(body, "body", BODY_MAX, _l("Write something first."))
    update = PrototypeUpdate(
        prototype_id=prototype.id,
        author_id=actor.id,
        body=body,
        body_html=text.render(body),
        lang=languages.detect(markdown=body),
    )
    db.session.add(update)
    db.session.flush()
    if image_ids:
        db.session.execute(
            db.update(Image)
            .where(Image.id.in_(list(image_ids)), Image.owner_id == actor.id, Image.solution_id.is_(None))
            .where(Image.update_id.is_(None), Image.challenge_id.is_(None))
            .values(update_id=update.id)
        )
    notify(None, "update", actor=actor, challenge=solution.challenge, solution=solution, audience=(STAKE, solution.id))
    webhooks.emit(solution.community_id, "prototype.updated", solution=solution.id, update=update.id)
    return update


def create_event(actor, prototype, title, starts, place, seats):
    """Schedule an offline event fans can sign up for. Raises Forbidden or RuleBroken."""
    solution = prototype.solution
    require(can_answer(actor, solution))
    title = checked_text(title, "title", TITLE_MAX, _l("A title is required."))
    place = checked_text(place, "place", PLACE_MAX, _l("Say where it takes place."))
    if not isinstance(starts, datetime) or starts <= utcnow():
        raise RuleBroken(_l("Choose a time in the future."), field="starts")
    if not isinstance(seats, int) or not 1 <= seats <= 10_000:
        raise RuleBroken(_l("Use a number from 1 to 10,000."), field="seats")
    event = Event(prototype_id=prototype.id, title=title, starts=starts, place=place, seats=seats)
    db.session.add(event)
    record_action(actor, "event.create", solution, community=solution.challenge.community, after={"title": title})
    notify(
        None,
        "event",
        actor=actor,
        challenge=solution.challenge,
        solution=solution,
        detail=title[:40],
        audience=(STAKE, solution.id),
    )
    return event


def get_event(event_id):
    """Raises NotFound."""
    return get_or_raise(Event, id=event_id)


def sign_up(user, event):
    """Take a seat, or a place on the waiting list when the seats are gone. Returns the signup.
    The event's row is locked first, so two fans never take the last seat together."""
    refusal = _signup_refusal(user, event)
    if refusal:
        raise RuleBroken(refusal)
    db.session.execute(db.select(Event.id).where(Event.id == event.id).with_for_update())
    db.session.refresh(event, ["taken"])
    existing = _signup(user, event)
    if existing is not None and existing.cancelled is None:
        return existing
    if existing is not None:
        # Signing up again after cancelling queues at the end: a new row, a new (later) id.
        db.session.delete(existing)
        db.session.flush()
    signup = EventSignup(event_id=event.id, user_id=user.id, waitlisted=event.taken >= event.seats)
    try:
        with db.session.begin_nested():
            db.session.add(signup)
    except IntegrityError:
        return _signup(user, event)
    if not signup.waitlisted:
        increment(event, "taken")
    return signup


def cancel(user, event):
    """Give the seat (or the place in the queue) back; the first fan waiting takes a freed seat
    and is told. Returns the fan promoted, or None.

    Two cancels at once take turns on the event's row lock (PostgreSQL; SQLite's write lock does
    the same), and each change is a conditional update that counts its rows: a signup is
    cancelled once, a fan waiting is promoted once, and `taken` never passes the seats."""
    db.session.execute(db.select(Event.id).where(Event.id == event.id).with_for_update())
    signup = _signup(user, event)
    if signup is None or signup.cancelled is not None:
        return None
    was_seated = not signup.waitlisted
    cancelled = db.session.execute(
        db.update(EventSignup)
        .where(EventSignup.id == signup.id, EventSignup.cancelled.is_(None))
        .values(cancelled=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.expire(signup)
    if cancelled.rowcount != 1 or not was_seated:
        return None
    increment(event, "taken", -1)
    return promote_next(event)


def promote_next(event):
    """Give a free seat to the first fan waiting, tell them, and return them (None if no seat is
    free or nobody waits). The caller holds the event's row lock."""
    db.session.refresh(event, ["taken", "seats"])
    if event.taken >= event.seats:
        return None
    first = db.session.execute(
        db.select(EventSignup.id, EventSignup.user_id)
        .where(EventSignup.event_id == event.id, EventSignup.waitlisted, EventSignup.cancelled.is_(None))
        .order_by(EventSignup.id)
        .limit(1)
    ).first()
    if first is None:
        return None
    moved = db.session.execute(
        db.update(EventSignup)
        .where(EventSignup.id == first.id, EventSignup.waitlisted, EventSignup.cancelled.is_(None))
        .values(waitlisted=False)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        return None
    increment(event, "taken")
    solution = db.session.get(Prototype, event.prototype_id).solution
    notify({first.user_id}, "seat", challenge=solution.challenge, solution=solution, detail=event.title[:40])
    return first.user_id


def signups_of(user, events_):
    """The user's signups for these events, by event id, in one query."""
    if not is_member(user) or not events_:
        return {}
    stmt = db.select(EventSignup).where(
        EventSignup.user_id == user.id,
        EventSignup.event_id.in_([e.id for e in events_]),
        EventSignup.cancelled.is_(None),
    )
    return {s.event_id: s for s in db.session.execute(stmt).scalars()}


def waiting_positions(signups):
    """{event id: the fan's place on its waiting list, 1 first} for the waitlisted of `signups`
    (signups_of's answer); the list is served in signup order, as cancellations promote it."""
    positions = {}
    for event_id, signup in signups.items():
        if signup.waitlisted:
            ahead = db.select(db.func.count(EventSignup.id)).where(
                EventSignup.event_id == event_id,
                EventSignup.waitlisted.is_(True),
                EventSignup.cancelled.is_(None),
                EventSignup.id < signup.id,
            )
            positions[event_id] = db.session.execute(ahead).scalar_one() + 1
    return positions


def _signup(user, event):
    stmt = db.select(EventSignup).filter_by(event_id=event.id, user_id=user.id)
    return db.session.execute(stmt).scalar_one_or_none()


def _signup_refusal(user, event):
    if not is_member(user):
        return _l("Log in to sign up.")
    community = db.session.get(Prototype, event.prototype_id).solution.challenge.community
    if suspension_refusal(user, community):
        return suspension_refusal(user, community)
    if event.starts <= utcnow():
        return _l("This event has already started.")
    return None
