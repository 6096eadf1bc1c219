"""Notification mail. Each member picks on the settings page: no mail, each notification (at
most one mail per 10 minutes), a daily digest (the default) or a weekly one.

A mail tells what the member has not been mailed yet and has not read in the forum, grouped by
idea, newest first, with a status change's note and a comment's opening words; nothing new, no
mail. `mailed_until` on the member's row is the time of the newest notification a mail has covered, moved
in the same transaction that queues the mail and only from the value the mail was built on, so
two consumers never mail one thing twice. Members are taken 500 at a time in id order, each batch
read and rendered outside the write lock and then stored in one short transaction: 50,000 members
do not all wait in the queue at once.

Every mail carries List-Unsubscribe with a signed link and List-Unsubscribe-Post (RFC 8058):
mail clients POST to it, with no session, to stop the mail (notifications/views.py).
"""

import logging
from collections import OrderedDict
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import and_, or_, update
from sqlalchemy.orm import joinedload

from forum import jobs, text
from forum.accounts.models import User
from forum.clock import utcnow
from forum.extensions import db
from forum.mail import services as mail
from forum.notifications import services
from forum.notifications.models import Notification
from forum.review.models import StatusChange
from forum.transaction import unit_of_work

log = logging.getLogger(__name__)

FREQUENCIES = ("off", "each", "daily", "weekly")
BATCH = 500
# At most this many lines in one mail; the rest are on the notifications page it links to.
PER_MAIL = 30
EACH_GAP = timedelta(minutes=10)
# How far back a mail looks: a member who turns mail on is not sent a year of news.
WINDOW = {"each": timedelta(days=1), "daily": timedelta(days=2), "weekly": timedelta(days=8)}
EXCERPT = 200
SALT = "unsubscribe"


def send(frequency):
    """Mail every member on `frequency` what is new for them; returns how many mails were queued."""
    after, queued = 0, 0
    while True:
        members = _members(frequency, after)
        if not members:
            db.session.rollback()  # a door leaves no read open behind it
            return queued
        after = members[-1].id
        # The session's identity map holds rows weakly: a batch's members and notifications go
        # once it is done, so memory stays flat over 50,000 members.
        queued += _mail_batch(members, frequency)


@jobs.job("notifications.mail_each", sweep=True)
def send_each():
    send("each")


@jobs.job("notifications.digest_daily", schedule={"hour": "7", "minute": "0"})
def send_daily():
    log.info("daily digests: %d mails queued", send("daily"))


@jobs.job("notifications.digest_weekly", schedule={"day_of_week": "1", "hour": "7", "minute": "30"})
def send_weekly():
    log.info("weekly digests: %d mails queued", send("weekly"))


def unsubscribe_token(user):
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT).dumps(user.id)


def member_for_token(token):
    """The member an unsubscribe link is for, or None for a forged one. It does not expire: a
    link in an old mail must still stop the mail."""
    try:
        user_id = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT).loads(token or "")
    except (BadSignature, ValueError, TypeError):
        return None
    return db.session.get(User, user_id) if isinstance(user_id, int) and 0 < user_id < 2**31 else None


def set_frequency(user, frequency):
    """Raises ValueError for a frequency that is not one of FREQUENCIES (the form offers only those)."""
    if frequency not in FREQUENCIES:
        raise ValueError(frequency)
    if frequency != user.mail_frequency:
        user.mail_frequency = frequency
        # Mail starts from now: what came before was in the forum, and no mail promised it.
        user.mailed_until = max(user.mailed_until or utcnow(), utcnow())


def _members(frequency, after):
    stmt = (
        db.select(User)
        .where(User.mail_frequency == frequency, User.id > after, User.mail_refused.is_(None), User.email.is_not(None))
        .order_by(User.id)
        .limit(BATCH)
        # Fresh rows, not what the session may hold: the watermark below is compared against them.
        .execution_options(populate_existing=True)
    )
    if frequency == "each":
        stmt = stmt.where(or_(User.mailed_at.is_(None), User.mailed_at < utcnow() - EACH_GAP))
    return db.session.execute(stmt).scalars().all()


def _mail_batch(members, frequency):
    """Build each member's mail outside the lock, then store the mails and move the watermarks."""
    news = _news(members, frequency)
    built = []
    for member in members:
        items = news.get(member.id)
        if items:
            newest = max(n.created for n in items)
            built.append((member, member.mailed_until, newest, _render(member, items, frequency)))
    queued = 0  # the unit ends the read and takes the write lock (members stay loaded)
    with unit_of_work():
        for member, seen, newest, rendered in built:
            moved = db.session.execute(
                update(User)
                .where(User.id == member.id, User.mailed_until.is_(None) if seen is None else User.mailed_until == seen)
                .values(mailed_until=newest, mailed_at=utcnow())
            ).rowcount
            if moved:  # else another consumer has just mailed this member
                mail.store(member.email, rendered, _list_headers(member))
                queued += 1
    return queued


def _news(members, frequency):
    """{member id: their unread, unmailed notifications in the window, newest first}."""
    watermark = {member.id for member in members}
    stmt = (
        db.select(Notification)
        .join(User, User.id == Notification.user_id)
        .where(
            Notification.user_id.in_(watermark),
            or_(User.mailed_until.is_(None), Notification.created > User.mailed_until),
            Notification.read.is_(None),
            Notification.created > utcnow() - WINDOW[frequency],
        )
        .options(
            joinedload(Notification.actor),
            joinedload(Notification.challenge),
            joinedload(Notification.solution),
            joinedload(Notification.comment),
        )
        .order_by(Notification.user_id, Notification.id.desc())
    )
    news = {}
    for notification in db.session.execute(stmt).scalars():
        news.setdefault(notification.user_id, []).append(notification)
    return news


def _render(member, notifications, frequency):
    notes = _status_notes(notifications)
    groups = OrderedDict()
    for n in notifications[:PER_MAIL]:
        key, title, url = _target(n)
        group = groups.get(key)
        if group is None:
            group = groups[key] = {"title": title, "url": url, "lines": [], "unfollow_url": _unfollow_url(member, key)}
        group["lines"].append({"notification": n, "extra": _extra(n, notes)})
    return mail.render(
        "digest",
        member.locale,
        username=member.username,
        frequency=frequency,
        groups=list(groups.values()),
        more=max(0, len(notifications) - PER_MAIL),
        count=len(notifications),
        notifications_url=mail.public_url("notifications.index"),
        settings_url=mail.public_url("accounts.settings"),
        unsubscribe_url=mail.public_url("notifications.unsubscribe", token=unsubscribe_token(member)),
    )


def _target(n):
    if n.solution_id:
        return (
            ("solution", n.solution_id),
            n.solution.title,
            mail.public_url("solutions.detail", solution_id=n.solution_id),
        )
    if n.challenge_id:
        return (
            ("challenge", n.challenge_id),
            n.challenge.title,
            mail.public_url("challenges.detail", challenge_id=n.challenge_id),
        )
    return ("forum", 0), "", mail.public_url("notifications.index")


def _unfollow_url(member, key):
    target_type, target_id = key
    if target_type not in ("solution", "challenge"):
        return None
    return mail.public_url("solutions.follow_from_mail", token=services.follow_token(member.id, target_type, target_id))


def _extra(n, notes):
    """What the mail quotes under the line: a status change's note, a comment's opening words."""
    if n.kind == "status":
        return notes.get((n.solution_id, n.detail), "")
    if n.comment is not None and not n.comment.deleted:
        return text.excerpt(n.comment.body_html, EXCERPT)
    return ""


def _status_notes(notifications):
    """{(solution id, status): the note of the latest change to it} for the status notices. A
    note the forum wrote itself is put into words when the mail is rendered, in its recipient's
    language (hence lazily)."""
    wanted = {(n.solution_id, n.detail) for n in notifications if n.kind == "status" and n.solution_id}
    if not wanted:
        return {}
    stmt = (
        db.select(StatusChange)
        .where(or_(*(and_(StatusChange.solution_id == s, StatusChange.to_status == t) for s, t in wanted)))
        .order_by(StatusChange.id)
    )
    return {
        (step.solution_id, step.to_status): _InWords(step) if step.note_key else step.note
        for step in db.session.execute(stmt).scalars()
    }


class _InWords:
    """A system note, put into words when the mail template prints it: in the recipient's
    language, escaped like any text (Flask-Babel's LazyString would mark it safe)."""

    def __init__(self, step):
        self.step = step

    def __str__(self):
        return self.step.note_text()


def _list_headers(member):
    url = mail.public_url("notifications.unsubscribe", token=unsubscribe_token(member))
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
