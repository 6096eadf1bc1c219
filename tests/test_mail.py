"""Mail through a real SMTP server on a loopback port (aiosmtpd): multipart text and HTML in the
recipient's language, sent by the job after the commit, kept and tried again while the server is
down, given up for an address the server refuses for good; the file backend of `make run`."""

import os
import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from forum import jobs
from forum.accounts import reset
from forum.clock import utcnow
from forum.extensions import db
from forum.mail import services as mail
from forum.mail.models import MailOutbox
from tests import factories
from tests.mail import smtp_server


@pytest.fixture
def smtp():
    controller, sink = smtp_server()
    yield controller, sink
    if getattr(controller, "_thread", None) is not None:
        controller.stop()


@pytest.fixture
def smtp_app(make_app, app, smtp):
    controller, _sink = smtp
    smtp_app = make_app(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_TIMEOUT=5)
    with smtp_app.app_context():
        yield smtp_app
        db.session.remove()


def _ask_reset(user):
    factories.door(reset.queue_reset_mail, user)


def _outbox():
    db.session.rollback()
    return db.session.execute(db.select(MailOutbox).order_by(MailOutbox.id)).scalars().all()


def test_a_reset_mail_reaches_the_server_as_text_and_html_in_the_members_language(smtp_app, smtp):
    controller, sink = smtp
    controller.start()
    member = factories.user("米粉小王", email="wang@example.com", locale="zh_Hans")
    _ask_reset(member)
    [received] = sink.received
    assert received["To"] == "wang@example.com" and received["Subject"] == "设置新的 Cocreate 密码"
    assert received["From"] == "Cocreate <no-reply@localhost>"
    assert received.get_content_type() == "multipart/alternative"
    text, html = received.get_body(("plain",)), received.get_body(("html",))
    assert "http://127.0.0.1:5000/password/reset/" in text.get_content()
    assert 'href="http://127.0.0.1:5000/password/reset/' in html.get_content()
    assert '<html lang="zh-Hans">' in html.get_content()
    [row] = _outbox()
    assert row.sent is not None and row.attempts == 0


def test_mail_waits_for_a_server_that_is_down_and_is_sent_once_it_is_back(smtp_app, smtp):
    controller, sink = smtp  # not started: connections are refused
    member = factories.user("maker_anna", email="anna@example.com")
    _ask_reset(member)
    [row] = _outbox()
    assert row.sent is None and row.attempts == 1 and row.next_attempt > utcnow()  # kept, and tried later
    mail.send_due()  # a sweep before it is due again does not try
    assert _outbox()[0].attempts == 1

    with smtp_app.app_context():
        db.session.execute(update(MailOutbox).values(next_attempt=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    with pytest.raises(jobs.RetryLater):  # due again, still down: Huey retries, and the wait grows
        mail.send_due()
    [row] = _outbox()
    assert row.attempts == 2 and row.next_attempt - utcnow() > timedelta(minutes=1, seconds=50)

    controller.start()
    with smtp_app.app_context():
        db.session.execute(update(MailOutbox).values(next_attempt=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    mail.send_due()  # the sweep the consumer runs every minute
    assert [m["To"] for m in sink.received] == ["anna@example.com"]
    assert _outbox()[0].sent is not None
    mail.send_due()
    assert len(sink.received) == 1  # sent once


def test_an_address_the_server_refuses_for_good_is_not_tried_again(smtp_app, smtp):
    controller, sink = smtp
    controller.start()
    sink.refuse.add("gone@example.com")
    _ask_reset(factories.user("gone", email="gone@example.com"))
    [row] = _outbox()
    assert row.sent is None and row.refused.startswith("550")
    _ask_reset(factories.user("here", email="here@example.com"))
    assert [m["To"] for m in sink.received] == ["here@example.com"]  # the next one still goes


def test_without_a_mail_server_mail_is_written_to_the_instance_folder(make_app, app, tmp_path, caplog):
    files = make_app(MAIL_BACKEND="file", MAIL_FILE_PATH=str(tmp_path / "mail"))
    with files.app_context():
        _ask_reset(factories.user("maker_anna", email="anna@example.com"))
        db.session.remove()
    [written] = os.listdir(tmp_path / "mail")
    content = (tmp_path / "mail" / written).read_text()
    assert "To: anna@example.com" in content and "/password/reset/" in content
    assert f"written to {tmp_path / 'mail' / written}" in caplog.text  # the log says where


def test_the_embedded_default_writes_mail_to_files_and_a_server_turns_smtp_on(make_app, app, tmp_path):
    plain = make_app(MAIL_BACKEND=None)
    assert plain.config["MAIL_BACKEND"] == "file"
    assert plain.config["MAIL_FILE_PATH"] == os.path.join(plain.instance_path, "mail")
    assert make_app(MAIL_BACKEND=None, MAIL_SERVER="127.0.0.1").config["MAIL_BACKEND"] == "smtp"


def test_a_status_change_reaches_a_voter_by_mail_in_the_voters_language(smtp_app, smtp, community, users):
    from forum.notifications import digests
    from forum.review import status
    from forum.solutions import votes

    controller, sink = smtp
    controller.start()
    voter = factories.user("米粉小王", email="wang@example.com", locale="zh_Hans")
    factories.door(digests.set_frequency, voter, "each")
    challenge = factories.challenge(users["staff"], community)
    idea = factories.solution(users["fan"], challenge, title="蒸汽自清洁")
    factories.door(votes.cast_vote, voter, idea)
    factories.door(status.change_status, users["staff"], idea, "shortlisted", "下周送到实验室")
    digests.send_each()  # the consumer's minute sweep
    [received] = [m for m in sink.received if m["To"] == "wang@example.com"]
    assert received["Subject"].strip() == "Cocreate 上有 1 条新消息: 蒸汽自清洁"
    text = received.get_body(("plain",)).get_content()
    assert "“蒸汽自清洁”的状态已更新为：已入围" in text and "下周送到实验室" in text
    assert received["List-Unsubscribe-Post"].strip() == "List-Unsubscribe=One-Click"


def _links(message, part):
    text = message.get_body(("plain",)).get_content()
    return [link.removeprefix("http://127.0.0.1:5000") for link in re.findall(r"http://\S+", text) if part in link]


def test_the_reset_and_sign_up_flows_through_a_real_smtp_server(smtp_app, smtp):
    controller, sink = smtp
    controller.start()
    factories.user("maker_anna", email="anna@example.com")
    elsewhere = smtp_app.test_client()
    elsewhere.post("/login", data={"login": "maker_anna", "password": factories.PASSWORD})
    assert elsewhere.get("/account").status_code == 200
    client = smtp_app.test_client()
    assert client.post("/password/forgot", data={"login": "anna@example.com"}).status_code == 200
    [reset_mail] = [m for m in sink.received if m["To"] == "anna@example.com"]
    [link] = _links(reset_mail, "/password/reset/")
    new = "a brand new passphrase"
    assert client.post(link, data={"password": new, "confirm": new}).status_code == 302
    assert elsewhere.get("/account").status_code == 302  # the other session ended
    assert "This link has expired or has been used." in smtp_app.test_client().get(link).get_data(as_text=True)

    data = {"username": "lin_wei", "email": "lin@example.com", "password": new, "confirm": new}
    assert smtp_app.test_client().post("/register", data=data).status_code == 200
    [sign_up] = [m for m in sink.received if m["To"] == "lin@example.com"]
    [confirm] = _links(sign_up, "/register/")
    fresh = smtp_app.test_client()
    assert fresh.post(confirm).status_code == 302 and fresh.get("/account").status_code == 200


def test_a_digest_and_its_one_click_unsubscribe_through_a_real_smtp_server(smtp_app, smtp, community, users):
    from forum.accounts.models import User
    from forum.notifications import digests
    from forum.review import status
    from forum.solutions import votes

    controller, sink = smtp
    controller.start()
    voter = factories.user("voter")
    challenge = factories.challenge(users["staff"], community)
    ideas = [factories.solution(users["fan"], challenge, title=f"Idea {n}") for n in range(3)]
    for idea in ideas:
        factories.door(votes.cast_vote, voter, idea)
        factories.door(status.change_status, users["staff"], idea, "shortlisted", f"Note for {idea.title}")
    digests.send("daily")
    [digest] = [m for m in sink.received if m["To"] == "voter@example.com"]
    text = digest.get_body(("plain",)).get_content()
    assert text.index("Idea 2") < text.index("Idea 1") < text.index("Idea 0") and "Note for Idea 1" in text
    digests.send("daily")
    assert len([m for m in sink.received if m["To"] == "voter@example.com"]) == 1  # nothing new, no mail
    unsubscribe = digest["List-Unsubscribe"].strip().strip("<>").removeprefix("http://127.0.0.1:5000")
    assert digest["List-Unsubscribe-Post"].strip() == "List-Unsubscribe=One-Click"
    mail_client = smtp_app.test_client()  # no session, no CSRF token: what a mail client sends
    mail_client.get(unsubscribe)
    db.session.rollback()
    assert db.session.get(User, voter.id).mail_frequency == "daily"  # the GET changed nothing
    assert mail_client.post(unsubscribe, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    db.session.rollback()
    assert db.session.get(User, voter.id).mail_frequency == "off"
