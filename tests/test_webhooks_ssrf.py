"""No server-side request forgery: a hook reaches public addresses only, checked after DNS at
delivery time (and on every redirect, which is not followed by default), and refused at creation
naming `url`; COCREATE_WEBHOOKS_ALLOW_PRIVATE=true lifts it."""

import ipaddress

import pytest

from forum.errors import RuleBroken
from forum.webhooks import addresses, sender, services
from tests.webhook_receiver import Receiver

FORBIDDEN = [
    "http://127.0.0.1/hook",
    "http://127.9.9.9:8080/hook",
    "http://[::1]/hook",
    "http://10.1.2.3/hook",
    "http://172.16.0.1/hook",
    "http://172.31.255.254/hook",
    "http://192.168.1.1/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fc00::1]/hook",
    "http://[fd12:3456::1]/hook",
    "http://[fe80::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://[::ffff:10.0.0.1]/hook",
    "http://[64:ff9b::a00:1]/hook",
    "http://0.0.0.0/hook",
    "http://[::]/hook",
    "http://224.0.0.1/hook",
    "http://240.0.0.1/hook",
    "http://100.64.0.1/hook",
    "http://localhost:8000/hook",  # a name resolving to loopback
]


@pytest.mark.parametrize("url", FORBIDDEN)
def test_each_forbidden_address_is_refused_at_delivery_and_at_creation(app, community, users, url):
    answer = sender.post(url, b"{}", {"Content-Type": "application/json"})
    assert answer.status is None and not answer.ok
    assert "not a public address" in answer.error
    with pytest.raises(RuleBroken) as refused:
        services.create_webhook(users["staff"], community, url, ["vote.created"])
    assert refused.value.field == "url"


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/hook", "file:///etc/passwd", "javascript:alert(1)", "http:///nohost", "http://u:p@x.org/"],
)
def test_only_plain_http_and_https_urls_are_taken(app, community, users, url):
    with pytest.raises(RuleBroken) as refused:
        services.create_webhook(users["staff"], community, url, ["vote.created"])
    assert refused.value.field == "url"


def test_public_addresses_pass():
    for ip in ("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "8.8.8.8"):
        assert addresses.forbidden(ipaddress.ip_address(ip)) is None


def test_a_loopback_receiver_gets_nothing_unless_private_addresses_are_allowed(app, monkeypatch):
    with Receiver() as receiver:
        refused = sender.post(receiver.url, b"{}", {})
        assert refused.status is None and receiver.requests == []
        monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_PRIVATE", True)
        allowed = sender.post(receiver.url, b"{}", {})
        assert allowed.status == 200 and len(receiver.requests) == 1


def test_the_connection_goes_to_the_checked_address_whatever_dns_says_next(app, monkeypatch):
    """DNS rebinding: the name is resolved once, checked, and that address is the one called."""
    calls = []
    real = addresses.socket.getaddrinfo

    def rebinding(host, port, *args, **kwargs):
        calls.append(host)
        # First answer public, any later one loopback: a second lookup would be caught out.
        target = "93.184.215.14" if len(calls) == 1 else "127.0.0.1"
        return real(target, port, *args, **kwargs)

    monkeypatch.setattr(addresses.socket, "getaddrinfo", rebinding)
    sent = []
    monkeypatch.setattr(
        sender, "_send", lambda scheme, host, port, address, *rest: sent.append(address) or (200, None, b"")
    )
    assert sender.post("http://rebind.example/hook", b"{}", {}).ok
    assert sent == ["93.184.215.14"] and calls == ["rebind.example"]


def test_a_redirect_is_not_followed_by_default(app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_PRIVATE", True)
    with Receiver(answers=[302], redirect_to="http://10.0.0.1/") as receiver:
        answer = sender.post(receiver.url, b"{}", {})
    assert answer.status == 302 and not answer.ok and len(receiver.requests) == 1


def test_a_redirect_to_a_private_address_is_refused_when_redirects_are_followed(app, monkeypatch):
    """The receiver on 127.0.0.1 stands in for a public server (only that address is let through)
    and redirects to a private one: the hop is checked and refused."""
    monkeypatch.setitem(app.config, "WEBHOOKS_FOLLOW_REDIRECTS", True)
    real = addresses.forbidden
    monkeypatch.setattr(addresses, "forbidden", lambda ip: None if str(ip) == "127.0.0.1" else real(ip))
    with Receiver(answers=[307], redirect_to="http://192.168.0.10/internal") as receiver:
        answer = sender.post(receiver.url, b"{}", {})
    assert answer.status is None and "192.168.0.10" in answer.error and len(receiver.requests) == 1


def test_answers_are_read_to_64_kb_at_most(app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_PRIVATE", True)
    import http.server
    import threading

    class Big(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(200)
            self.send_header("Content-Length", str(1_000_000))
            self.end_headers()
            self.wfile.write(b"x" * 1_000_000)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Big)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        answer = sender.post(f"http://127.0.0.1:{server.server_address[1]}/", b"{}", {})
    finally:
        server.shutdown()
        server.server_close()
    assert answer.status == 200 and len(answer.body) == sender.MAX_ANSWER


def test_a_receiver_that_does_not_answer_in_time_is_given_up(app, monkeypatch):
    import http.server
    import threading

    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_PRIVATE", True)
    monkeypatch.setitem(app.config, "WEBHOOK_READ_SECONDS", 0.3)
    release = threading.Event()

    class Silent(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            release.wait(5)  # answers only once the test is done with it

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Silent)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        answer = sender.post(f"http://127.0.0.1:{server.server_address[1]}/", b"{}", {})
    finally:
        release.set()
        server.shutdown()
        server.server_close()
    assert answer.status is None and "No answer" in answer.error and answer.milliseconds < 3000
