"""The job queue: work done for others runs in the consumer, after the commit that asked for it.

Huey keeps the queue: in a SQLite file in the instance folder by default (every process on the
machine shares it), in Redis when COCREATE_REDIS_URL is set (every node shares it). Services ask
for a job with `after_commit(name, *args)` inside their unit of work; the job is enqueued when
that transaction commits and forgotten if it rolls back. `flask --app app worker` consumes.

A job carries no state of its own: the database is the outbox (the search queue, undelivered
notifications), and every job reads from it. A job lost with a killed consumer is redone by the
sweep that runs when a consumer starts and every minute after.

Tests set JOBS_IMMEDIATE: each job then runs in the committing process, right after the commit.
"""

import contextvars
import logging
import os
import threading

from flask import current_app, has_app_context
from huey import RedisHuey, SqliteHuey, crontab
from huey.exceptions import RetryTask
from sqlalchemy import event
from sqlalchemy.orm import Session

from forum.extensions import db

log = logging.getLogger(__name__)

# name -> (function, options); filled by @job as the feature modules are imported.
JOBS = {}
# Jobs the sweep runs: they redo from the database whatever a lost job left undone.
SWEEPS = []


class RetryLater(RetryTask):
    """Raised by a job that could not do its work yet (another consumer holds a lock): Huey
    runs it again after its retry delay. Immediate mode (tests) lets it go."""


# name -> crontab fields (hour, minute, day_of_week ...): jobs the consumer runs on a schedule.
SCHEDULED = {}


def job(name, retries=5, retry_delay=2, sweep=False, schedule=None):
    """Register `function` as the job `name`. Its arguments must be plain values (ids, strings).
    With sweep=True it also runs on a consumer's start and every minute; with `schedule` (crontab
    fields, in UTC, e.g. {"hour": "7", "minute": "0"}) at those times, without arguments."""

    def register(function):
        JOBS[name] = (function, {"retries": retries, "retry_delay": retry_delay})
        if sweep:
            SWEEPS.append(name)
        if schedule:
            SCHEDULED[name] = schedule
        return function

    return register


def after_commit(name, *args):
    """Enqueue the job once the current transaction commits (once per name and arguments)."""
    if name not in JOBS:
        raise KeyError(f"unknown job {name!r}")
    pending = db.session.info.setdefault("jobs_after_commit", {})
    pending[(name, args)] = None  # a dict keeps the order and drops repeats


def enqueue(name, *args):
    """Enqueue the job now, outside any transaction (what it does may not depend on one)."""
    current_app.extensions["jobs"].enqueue(name, *args)


def enqueue_in(seconds, name, *args):
    """Enqueue the job to run in `seconds` (Huey's schedule). Only a nudge: what it does must be
    found in the database by a sweep too, since a schedule dies with a lost queue. Immediate mode
    (tests) leaves it to the test to run the job when it wants."""
    current_app.extensions["jobs"].enqueue_in(seconds, name, *args)


def init_app(app):
    for name, handler in (("after_commit", _enqueue_committed), ("after_soft_rollback", _forget_jobs)):
        if not event.contains(Session, name, handler):
            event.listen(Session, name, handler)
    if app.config["JOBS_IMMEDIATE"]:
        app.extensions["jobs"] = Immediate(app)
        return
    huey = _make_huey(app)
    tasks = {}
    for name, (function, options) in JOBS.items():
        tasks[name] = huey.task(name=name, **options)(_in_app_context(app, function))

    for name, fields in SCHEDULED.items():
        huey.periodic_task(crontab(**fields), name=f"{name}.scheduled")(_in_app_context(app, JOBS[name][0]))

    @huey.periodic_task(crontab(minute="*"), name="jobs.sweep")
    def sweep():
        run_sweeps(app)

    started = threading.Event()

    @huey.on_startup()
    def sweep_on_start():
        # Startup hooks run in each of the consumer's threads; one sweep is enough.
        if not started.is_set():
            started.set()
            run_sweeps(app)

    app.extensions["jobs"] = Jobs(huey, tasks)


class Jobs:
    """The app's Huey and its tasks by name."""

    immediate = False

    def __init__(self, huey, tasks):
        self.huey = huey
        self.tasks = tasks

    def enqueue(self, name, *args):
        self.tasks[name](*args)

    def enqueue_in(self, seconds, name, *args):
        self.tasks[name].schedule(args=args, delay=seconds)


class Immediate:
    """Runs each job at once in this process, letting its errors through (for tests)."""

    immediate = True

    def __init__(self, app):
        self.app = app

    def enqueue(self, name, *args):
        # In a context of its own, as in a consumer: outside the committing door's unit of work.
        try:
            contextvars.Context().run(_in_app_context(self.app, JOBS[name][0]), *args)
        except RetryLater:
            log.info("job %s will be done by whoever holds its lock", name)

    def enqueue_in(self, seconds, name, *args):
        log.info("job %s asked for in %s s: left to the test or the sweep", name, seconds)


def run_sweeps(app):
    for name in SWEEPS:
        try:
            _in_app_context(app, JOBS[name][0])()
        except Exception:
            log.exception("sweep %s failed; the next sweep tries again", name)


def _make_huey(app):
    if app.config.get("REDIS_URL"):
        return RedisHuey("cocreate", url=app.config["REDIS_URL"], results=False)
    path = app.config["JOBS_DATABASE"] or os.path.join(app.instance_path, "jobs.sqlite")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return SqliteHuey("cocreate", filename=path, results=False, timeout=10)


def _in_app_context(app, function):
    def run(*args):
        with app.app_context():
            try:
                return function(*args)
            finally:
                db.session.remove()

    run.__name__ = function.__name__
    return run


def _enqueue_committed(session):
    if session.in_nested_transaction():
        return  # a savepoint was released: the transaction around it has not committed yet
    pending = session.info.pop("jobs_after_commit", None)
    if not pending or not has_app_context():
        return
    jobs = current_app.extensions["jobs"]
    for name, args in pending:
        if jobs.immediate:
            jobs.enqueue(name, *args)
            continue
        try:
            jobs.enqueue(name, *args)
        except Exception:
            # The commit stands and the outbox rows with it; the sweep will do the work.
            log.exception("could not enqueue %s; the sweep will do it", name)


def _forget_jobs(session, previous_transaction):
    if not previous_transaction.nested:  # the outermost transaction rolled back
        session.info.pop("jobs_after_commit", None)


def consumer(app, workers):
    """A Huey consumer for the app's queue: `workers` threads, polling at most every half second
    when the queue is in SQLite (Redis wakes it at once), periodic sweeps on."""
    return app.extensions["jobs"].huey.create_consumer(
        workers=workers, worker_type="thread", periodic=True, initial_delay=0.05, backoff=1.5, max_delay=0.5
    )
