"""One signed POST to a hook's URL, through urllib3, to an address checked after DNS.

The connection goes to the very address forum/webhooks/addresses.py approved (the URL's host is
kept for the Host header, TLS's server name and the certificate check), so DNS cannot swap it
between check and call. Redirects are answers, not followed, unless WEBHOOKS_FOLLOW_REDIRECTS;
then each hop is checked again. At most MAX_ANSWER bytes of an answer are read."""

import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import urllib3
from flask import current_app
from flask_babel import gettext as _

from forum.webhooks.addresses import Refused, resolve, split

MAX_ANSWER = 64 * 1024
MAX_REDIRECTS = 3


@dataclass
class Answer:
    status: int | None  # None: no HTTP answer (refused, unreachable, timed out)
    body: bytes
    milliseconds: int
    error: str = ""

    @property
    def ok(self):
        return self.status is not None and 200 <= self.status < 300


def post(url, body, headers):
    """POST `body` (bytes) with `headers`; returns an Answer, never raises for the network."""
    config = current_app.config
    allow_private = bool(config["WEBHOOKS_ALLOW_PRIVATE"])
    connect, read = config["WEBHOOK_CONNECT_SECONDS"], config["WEBHOOK_READ_SECONDS"]
    # `total` bounds the whole call: a server trickling one byte per read timeout cannot hold it.
    timeout = urllib3.Timeout(connect=connect, read=read, total=connect + read)
    started = time.monotonic()

    def answer(status, data=b"", error=""):
        return Answer(status, data, round((time.monotonic() - started) * 1000), error)

    for _hop in range(MAX_REDIRECTS + 1):
        try:
            scheme, host, port = split(url)
            address = resolve(host, port, allow_private)[0]
        except Refused as refusal:
            return answer(None, error=str(refusal.message))
        try:
            status, location, data = _send(scheme, host, port, str(address), url, body, headers, timeout)
        except urllib3.exceptions.HTTPError as error:
            return answer(None, error=_("No answer: %(error)s", error=type(error).__name__))
        except OSError as error:
            return answer(None, error=_("No answer: %(error)s", error=type(error).__name__))
        if 300 <= status < 400 and location and config["WEBHOOKS_FOLLOW_REDIRECTS"]:
            url = urljoin(url, location)
            continue
        return answer(status, data)
    return answer(None, error=_("Too many redirects."))


def _send(scheme, host, port, address, url, body, headers, timeout):
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    default_port = 443 if scheme == "https" else 80
    host_header = host if ":" not in host else f"[{host}]"
    headers = {**headers, "Host": host_header if port == default_port else f"{host_header}:{port}"}
    if scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address,
            port,
            timeout=timeout,
            retries=False,
            server_hostname=host,
            assert_hostname=host,
            cert_reqs="CERT_REQUIRED",
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False)
    try:
        response = pool.urlopen(
            "POST",
            path,
            body=body,
            headers=headers,
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            data = response.read(MAX_ANSWER, decode_content=False)
        finally:
            response.release_conn()
            response.close()
        return response.status, response.headers.get("Location"), data
    finally:
        pool.close()
