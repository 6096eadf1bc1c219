"""Sending mail: `queue()` renders a message in the recipient's language and stores it in the
outbox, in the caller's transaction; the consumer sends it after the commit.

So a request never waits on a mail server, a rolled-back action mails nobody, and a server that
is down loses nothing: a failed attempt is tried again later (1, 2, 4 ... minutes, at most an
hour apart, for two days), by the job's own retries and by the sweep every minute. A consumer
holds a mail while it sends it (`claimed_until`), so two consumers never send one twice; one
killed between sending and noting it leaves it to be sent again once the hold ends: a mail may
arrive twice, never not at all.

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
# Mails sent per sweep of one consumer before it lets other jobs run.
BATCH = 200


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
    """Send every due mail of the outbox, through one connection."""
    connection = None
    try:
        for _ in range(BATCH):
            outgoing = _claim_next()
            if outgoing is None:
                return
            connection = connection or mail.get_connection()
            _send(connection, outgoing)
    finally:
        if connection is not None:
            connection.close()


def _claim_next():
    """The oldest due mail, held for this consumer (None when none is due)."""
    now = utcnow()
    with unit_of_work():
        due = db.session.execute(
            db.select(MailOutbox.id)
            .where(MailOutbox.sent.is_(None), MailOutbox.refused.is_(None), MailOutbox.next_attempt <= now)
            .where(or_(MailOutbox.claimed_until.is_(None), MailOutbox.claimed_until < now))
            .order_by(MailOutbox.id)
            .limit(1)
        ).scalar_one_or_none()
        if due is None:
            return None
        claimed = db.session.execute(
            update(MailOutbox)
            .where(MailOutbox.id == due)
            .where(or_(MailOutbox.claimed_until.is_(None), MailOutbox.claimed_until < now))
            .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
        ).rowcount
        if not claimed:  # another consumer took it between the two statements (PostgreSQL)
            return _claim_next()
        row = db.session.get(MailOutbox, due)
        db.session.expunge(row)
        return row


def _send(connection, row):
    message = EmailMultiAlternatives(
        row.subject, row.text, to=[row.to_address], headers=row.headers or {}, connection=connection
    )
    message.attach_alternative(row.html, "text/html")
    try:
        connection.open()  # once: later mails of the sweep reuse the connection
        message.send()
    except smtplib.SMTPRecipientsRefused as error:
        code, reason = next(iter(error.recipients.values()))
        if code >= 500:
            refused = f"{code} {reason.decode(errors='replace') if isinstance(reason, bytes) else reason}"[:300]
            _note(row, refused=refused, member_refused=refused)
            log.warning("mail %s: %s refused for good (%s)", row.id, row.to_address, code)
            return
        _try_later(row, error)
    except (OSError, smtplib.SMTPException) as error:
        _try_later(row, error)
        raise jobs.RetryLater() from error  # the server is down: the rest waits with this one
    else:
        _note(row, sent=utcnow())
        if current_app.extensions["mailman"].backend == "file":
            log.info("mail %s to %s written to %s", row.id, row.to_address, connection._get_filename())


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
