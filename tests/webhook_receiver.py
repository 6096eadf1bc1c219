"""A webhook receiver on a loopback port for the webhook tests: a threaded HTTP server that keeps
every request (headers and body) and answers from a script (e.g. 500, 500, then 200 for ever).

    with Receiver(answers=[500, 500]) as receiver:
        ...  # point a hook at receiver.url
        receiver.wait_for(3)
        receiver.verified(secret)  # every delivery checked with standardwebhooks
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook


class Receiver:
    def __init__(self, answers=(), default=200, redirect_to=None):
        self.answers = list(answers)
        self.default = default
        self.redirect_to = redirect_to
        self.requests = []  # (path, headers dict with lower-case names, body text)
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                with receiver.lock:
                    receiver.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                    status = receiver.answers.pop(0) if receiver.answers else receiver.default
                self.send_response(status)
                if receiver.redirect_to and 300 <= status < 400:
                    self.send_header("Location", receiver.redirect_to)
                answer = json.dumps({"received": status < 300}).encode()
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count, seconds=60):
        deadline = time.monotonic() + seconds
        while len(self.requests) < count:
            assert time.monotonic() < deadline, f"{len(self.requests)} of {count} deliveries arrived"
            time.sleep(0.05)  # polling the server thread's list
        return self.requests

    def verified(self, secret):
        """Every request's payload, each verified the way a receiver using standardwebhooks would."""
        return [Webhook(secret).verify(body, headers) for _path, headers, body in self.requests]
