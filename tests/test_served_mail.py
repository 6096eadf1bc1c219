"""Mail as served: gunicorn's workers queue it, the job consumer writes it (to instance/mail/, the
embedded default), and its links work on whichever worker they reach: sign-up and password reset."""

import email
import email.policy
import os
import re
import time

from tests.served import served_fixture

forum = served_fixture(workers=4, consumer=True)

WAIT_SECONDS = 60
LINK = re.compile(r"http://127\.0\.0\.1:5000(/[^\s]+)")


def _mail_to(forum, address, path_part):
    """The path of the link in the newest mail to `address` that has one with `path_part`, once the
    consumer has written it (polled until then)."""
    folder = os.path.join(forum.instance_path, "mail")
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        found = []
        for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else ():
            with open(os.path.join(folder, name), "rb") as f:
                for raw in f.read().split(b"\n" + b"-" * 79 + b"\n"):
                    if not raw.strip():
                        continue
                    message = email.message_from_bytes(raw, policy=email.policy.default)
                    text = message.get_body(("plain",)).get_content()
                    if message["To"] == address and path_part in text:
                        found.append(LINK.search(text).group(1))
        if found:
            return found[-1]
        time.sleep(0.1)  # between looks at the folder
    raise AssertionError(f"no mail to {address} with {path_part} in {WAIT_SECONDS} s:\n{forum.log()[-3000:]}")


def test_a_sign_up_mailed_by_the_consumer_makes_the_account_on_any_worker(forum):
    visitor = forum.browser()
    visitor.refresh_csrf_token("/register")
    form = {
        "username": "lin_wei",
        "email": "lin@example.com",
        "password": "a long password",
        "confirm": "a long password",
    }
    answer = visitor.post("/register", form)
    assert answer.status == 200 and "We have sent a message to lin@example.com" in answer.text
    link = _mail_to(forum, "lin@example.com", "/register/")
    assert visitor.get(link).status == 200
    assert visitor.post(link, {}).status == 302
    assert visitor.get("/account").status == 200  # signed in, whichever worker answers
    assert forum.query("SELECT username FROM user_account WHERE email = 'lin@example.com'") == [("lin_wei",)]


def test_a_reset_asked_on_one_worker_is_mailed_by_the_consumer_and_used_on_another(forum):
    forum.create_user("maker_anna", email="anna@example.com")
    asker = forum.browser()
    asker.refresh_csrf_token("/password/forgot")
    assert asker.post("/password/forgot", {"login": "maker_anna"}).status == 200
    link = _mail_to(forum, "anna@example.com", "/password/reset/")
    other = forum.browser()
    other.refresh_csrf_token(link)
    new = "a brand new passphrase"
    assert other.post(link, {"password": new, "confirm": new}).status == 302
    assert forum.browser().log_in("maker_anna", new).status == 302
    again = forum.browser()
    again.refresh_csrf_token("/login")
    assert "This link has expired or has been used." in again.get(link).text
