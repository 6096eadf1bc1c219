"""At most a few uploads decoded at once on one machine, whichever worker took them.

Decoding six large pictures keeps a worker busy for seconds (more on a loaded host); four such
posts sent at once by one fan held every gunicorn worker, and the forum answered nobody else for
twenty seconds. So a post decodes its pictures only while it holds one of UPLOAD_DECODE_SLOTS
file locks in the instance folder (the kernel lets them go if the worker dies); one that waits
longer than UPLOAD_DECODE_WAIT_SECONDS is refused with a message, its text kept, and the other
workers stay free for everyone's pages. The wait is short (2 s): a waiting post holds its worker
too, and with a 10 s wait four posts at once still held every worker.
"""

import fcntl
import os
import time
from contextlib import contextmanager

from flask import current_app
from flask_babel import lazy_gettext as _l

from forum.errors import RuleBroken

POLL_SECONDS = 0.05  # flock has no timeout of its own


def slot_count(app=None):
    app = app or current_app
    return app.config["UPLOAD_DECODE_SLOTS"] or max(1, os.cpu_count() or 1)


def folder(app=None):
    app = app or current_app
    path = os.path.join(app.instance_path, "decode-slots")
    os.makedirs(path, exist_ok=True)
    return path


@contextmanager
def decode_slot():
    """Hold a decoding slot for the block; raises RuleBroken (field `images`) when none frees
    up in time."""
    directory, count = folder(), slot_count()
    deadline = time.monotonic() + current_app.config["UPLOAD_DECODE_WAIT_SECONDS"]
    while True:
        handle = _take_any(directory, count)
        if handle is not None:
            break
        if time.monotonic() >= deadline:
            raise RuleBroken(
                _l("Many pictures are being processed right now. Send the form again in a minute."), field="images"
            )
        time.sleep(POLL_SECONDS)
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        os.close(handle)


def _take_any(directory, count):
    for number in range(count):
        handle = os.open(os.path.join(directory, f"{number}.lock"), os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            continue
        return handle
    return None
