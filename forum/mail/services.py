"""Sending mail: `queue()` renders a message in the recipient's language and stores it in the
outbox, in the caller's transaction; the consumer sends it after the commit.

So a request never waits on a mail server, a rolled-back action mails nobody, and a server that
is down loses nothing: a failed attempt is tried again later (1, 2, 4 ... minutes, at most an
hour apart, for two days), by the job's own retries and by the sweep every minute. A consumer
holds the mails it sends (`claimed_until`, CLAIM_BATCH at a time), so two consumers never send
one twice; one killed between sending and noting them leaves them to be sent again once the hold
ends: a mail may arrive twice, never not at all.

Flask-Mailman sends, configured by its own MAIL_* settings (COCREATE_MAIL_SERVER, ...). Without a
MAIL_SERVER (the embedded default) its file backend writes each mail under instance/mail/, and the
log says which file, so a reset link can be read on a machine with no mail server.

Links in mail are built from BASE_URL, never from the request's Host header: a forged Host
must not put someone else's server into a password-reset link.
"""

import logging
import smtplib
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_mailman import EmailMultiAlternatives
from sqlalchemy import or_, update

from forum import jobs
from forum.accounts.models import User
from forum.clock import utcnow
from forum.extensions import db, mail
from forum.i18n import in_language
from forum.mail.models import MailOutbox
from forum.transaction import unit_of_work

log = logging.getLogger(__name__)

CLAIM_SECONDS = 120
MAX_BACKOFF = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(days=2)
# Mails claimed (and noted as sent) together, and claims per run of the job before it lets
# other jobs run: a consumer killed mid-batch sends at most a batch again, never loses one.
CLAIM_BATCH = 50
ROUNDS = 40


def queue(to_address, template, locale=None, headers=None, **context):
    """Store templates/mail/<template>.{subject.txt,txt,html}, rendered in `locale`, for
    `to_address`; sent after the current transaction commits."""
    store(to_address, render(template, locale, **context), headers)


def render(template, locale=None, **context):
    """(subject, text, html) of a mail in `locale`: for callers that render outside their unit
    of work (a digest renders thousands, and SQLite's write lock should not wait on that)."""
    with in_language(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = render_template(f"mail/{template}.subject.txt", **context).strip()
        text = render_template(f"mail/{template}.txt", **context)
        html = render_template(f"mail/{template}.html", **context)
    return " ".join(subject.split())[:300], text, html  # the subject on one line: it is a header


def store(to_address, rendered, headers=None):
    """Put a rendered mail in the outbox, in the current transaction."""
    subject, text, html = rendered
    db.session.add(MailOutbox(to_address=to_address, subject=subject, text=text, html=html, headers=headers))
    jobs.after_commit("mail.send")


def public_url(endpoint, **values):
    """An absolute link to `endpoint` at BASE_URL, inside a request or outside one."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


@jobs.job("mail.send", retries=3, retry_delay=30, sweep=True)
def send_due():
    """Send every due mail of the outbox, through one connection, CLAIM_BATCH mails per claim."""
    connection = None
    try:
        for _ in range(ROUNDS):
            outgoing = _claim_batch()
            if not outgoing:
                return
            connection = connection or mail.get_connection()
            _send_batch(connection, outgoing)
    finally:
        if connection is not None:
            connection.close()


def _claim_batch():
    """The oldest due mails, held for this consumer (an empty list when none is due)."""
    now = utcnow()
    due = (
        (MailOutbox.sent.is_(None))
        & (MailOutbox.refused.is_(None))
        & (MailOutbox.next_attempt <= now)
        & or_(MailOutbox.claimed_until.is_(None), MailOutbox.claimed_until < now)
    )
    with unit_of_work():
        # PostgreSQL: rows another consumer is claiming are skipped; SQLite: the unit holds the lock.
        ids = (
            db.session.execute(
                db.select(MailOutbox.id)
                .where(due)
                .order_by(MailOutbox.id)
                .limit(CLAIM_BATCH)
                .with_for_update(skip_locked=True)
            )
            .scalars()
            .all()
        )
        if not ids:
            return []
        db.session.execute(
            update(MailOutbox)
            .where(MailOutbox.id.in_(ids))
            .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
        )
        rows = (
            db.session.execute(db.select(MailOutbox).where(MailOutbox.id.in_(ids)).order_by(MailOutbox.id))
            .scalars()
            .all()
        )
        for row in rows:
            db.session.expunge(row)
        return rows


def _send_batch(connection, rows):
    """Send the claimed mails; note the sent ones in one transaction. A server that goes down
    leaves the failing mail to be tried later and releases the rest of the batch."""
    sent = []
    try:
        for number, row in enumerate(rows):
            try:
                _send(connection, row)
            except smtplib.SMTPRecipientsRefused as error:
                code, reason = next(iter(error.recipients.values()))
                if code < 500:
                    _try_later(row, error)
                    continue
                refused = f"{code} {reason.decode(errors='replace') if isinstance(reason, bytes) else reason}"[:300]
                _note(row, refused=refused, member_refused=refused)
                log.warning("mail %s: %s refused for good (%s)", row.id, row.to_address, code)
            except (OSError, smtplib.SMTPException) as error:
                _try_later(row, error)
                _release(rows[number + 1 :])
                raise jobs.RetryLater() from error  # the server is down: the rest waits with this one
            else:
                sent.append(row.id)
                if current_app.extensions["mailman"].backend == "file":
                    log.info("mail %s to %s written to %s", row.id, row.to_address, connection._get_filename())
    finally:
        if sent:
            with unit_of_work():
                db.session.execute(
                    update(MailOutbox).where(MailOutbox.id.in_(sent)).values(sent=utcnow(), claimed_until=None)
                )


def _send(connection, row):
    message = EmailMultiAlternatives(
        row.subject, row.text, to=[row.to_address], headers=row.headers or {}, connection=connection
    )
    message.attach_alternative(row.html, "text/html")
    connection.open()  # once: later mails of the sweep reuse the connection
    message.send()


def _release(rows):
    if rows:
        with unit_of_work():
            db.session.execute(
                update(MailOutbox).where(MailOutbox.id.in_([row.id for row in rows])).values(claimed_until=None)
            )


def _try_later(row, error):
    attempts = row.attempts + 1
    wait = min(timedelta(minutes=2 ** (attempts - 1)), MAX_BACKOFF)
    if utcnow() - row.created > GIVE_UP_AFTER:
        _note(row, refused=f"not sent in {GIVE_UP_AFTER.days} days: {error}"[:300])
        log.error("mail %s to %s given up after %d attempts: %s", row.id, row.to_address, attempts, error)
        return
    log.warning("mail %s to %s not sent (attempt %d, next in %s): %s", row.id, row.to_address, attempts, wait, error)
    _note(row, attempts=attempts, next_attempt=utcnow() + wait)


def _note(row, member_refused=None, **values):
    with unit_of_work():
        db.session.execute(update(MailOutbox).where(MailOutbox.id == row.id).values(claimed_until=None, **values))
        if member_refused:
            # No more notification mail to an address the server refuses; the settings say why.
            db.session.execute(update(User).where(User.email == row.to_address).values(mail_refused=member_refused))
