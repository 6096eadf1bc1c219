"""Reading the mail a test caused: flask_mailman's in-memory outbox (the tests' backend), or a
real SMTP server on a loopback port (aiosmtpd) for tests that send through one."""

import email
import email.policy
import re
import socket

from flask import current_app

LINK = re.compile(r"https?://[^\s<>\"]+")


class Sink:
    """An SMTP server's handler that keeps what it receives; `refuse` answers RCPT with a 550."""

    def __init__(self):
        self.received = []
        self.refuse = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted"

    def to(self, address):
        return [m for m in self.received if m["To"] == address]


def smtp_server():
    """(controller, sink): an aiosmtpd server on a free loopback port, not started yet."""
    from aiosmtpd.controller import Controller

    sink = Sink()
    return Controller(sink, hostname="127.0.0.1", port=free_port()), sink


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def link_in_text(text, path_part):
    """The one link in `text` whose path contains `path_part`, relative to the site."""
    [link] = {found for found in LINK.findall(text) if path_part in found}
    return re.sub(r"^https?://[^/]+", "", link)


def sent(to=None, app=None):
    """The messages sent so far in this test (by `app`, else the current one), to `to` alone when given."""
    messages = getattr((app or current_app).extensions["mailman"], "outbox", [])
    return [m for m in messages if to is None or to in m.to]


def link_in(message, path_part):
    """The one link of the message's text whose path contains `path_part`, relative to the site."""
    return link_in_text(message.body, path_part)
