"""Changing the address by mail: nothing changes until the new address confirms, the old one is
told, a link works once, and the page never says whether the new address has an account."""

from forum.accounts.models import User
from forum.audit import AuditEntry
from forum.extensions import db
from tests import factories, mail


def _ask(client, email, password=factories.PASSWORD):
    data = {"address-email": email, "address-current_password": password}
    return client.post("/account/email", data=data, follow_redirects=True)


def test_the_new_address_confirms_the_change_and_the_old_one_is_told(app, login):
    anna = factories.user("maker_anna", email="anna@example.com")
    client = login(anna)
    wrong = _ask(client, "new@example.com", password="not my password")
    assert "Your current password is not correct." in wrong.get_data(as_text=True)
    assert mail.sent() == []

    answer = _ask(client, "New@Example.com")
    assert "We have sent a link to New@Example.com." in answer.get_data(as_text=True)
    assert db.session.get(User, anna.id).email == "anna@example.com"  # not until confirmed
    [notice] = mail.sent("anna@example.com")
    assert "new@example.com" in notice.body and "/password/forgot" in notice.body
    link = mail.link_in(mail.sent("new@example.com")[0], "/account/email/")

    elsewhere = app.test_client()  # opened on another device, not signed in
    assert "new@example.com" in elsewhere.get(link).get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(User, anna.id).email == "anna@example.com"  # the GET changed nothing
    assert elsewhere.post(link).status_code == 302
    db.session.rollback()
    assert db.session.get(User, anna.id).email == "new@example.com"
    entry = db.session.execute(db.select(AuditEntry).filter_by(action="user.email")).scalar_one()
    assert entry.before == {"email": "anna@example.com"} and entry.after == {"email": "new@example.com"}
    spent = app.test_client().post(link)
    assert "This link has expired or has been used." in spent.get_data(as_text=True)


def test_a_taken_address_gets_the_same_answer_and_its_owner_a_notice(app, login):
    anna = factories.user("maker_anna", email="anna@example.com")
    factories.user("lin_wei", email="lin@example.com")
    answer = _ask(login(anna), "lin@example.com")
    assert "We have sent a link to lin@example.com." in answer.get_data(as_text=True)
    [taken] = mail.sent("lin@example.com")
    assert taken.subject == "You already have a Cocreate account" and "/account/email/" not in taken.body
    assert len(mail.sent("anna@example.com")) == 1  # the owner of the account is told all the same
    assert db.session.get(User, anna.id).email == "anna@example.com"


def test_the_own_address_and_bad_addresses_are_refused_on_the_form(login):
    anna = factories.user("maker_anna", email="anna@example.com")
    client = login(anna)
    assert "That is your address already." in _ask(client, "ANNA@example.com").get_data(as_text=True)
    assert "Enter a valid email address." in _ask(client, "not an address").get_data(as_text=True)
    assert mail.sent() == []
