"""Digest benchmark: the daily digest for 50,000 members with news, built and sent through the
job consumer to a local SMTP sink.

    .venv/bin/python bench/digest_bench.py [--members 50000] [--per-member 3]

In a fresh SQLite database of its own (a temp folder): migrations; a community, a challenge and
500 ideas by one author; `--members` members on the daily digest, each with `--per-member`
unread notifications (status changes with a note, and comments) spread over the ideas, inserted
with SQL. An SMTP sink (aiosmtpd) counts what arrives. One consumer (`flask --app app worker`)
runs with MAIL_BACKEND=smtp to the sink; `flask --app app digests send --frequency daily` queues
the mails (reading and rendering in batches of 500 members); the consumer sends them. Timed: the
command (queueing), and from its start until the sink holds a mail for every member. The
consumer's and the command's resident memory are sampled every 0.2 s: peak and end.

Goal (issue 16): under 10 minutes on this machine, memory flat.
"""

import argparse
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BIN = os.path.dirname(sys.executable)
IDEAS = 500


class Sink:
    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
        return "250 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flask(env, *args):
    out = subprocess.run(
        [os.path.join(BIN, "flask"), "--app", "app", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if out.returncode:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout


def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


# The community, the challenge, its ideas, their status notes and comments go through the
# forum's own services (in a process of the forum); the members and their news go in with SQL.
CONTENT = """
from forum import create_app
from forum.accounts import services as accounts
from forum.challenges import services as challenges
from forum.communities import services as communities
from forum.review import status
from forum.solutions import comments, services as solutions
from forum.transaction import unit_of_work
app = create_app()
with app.app_context():
    with unit_of_work():
        staff = accounts.register("bench_staff", "staff@bench.example", "a long bench password", None)
        accounts.set_site_role(None, staff, "admin")
        community = communities.create_community(None, "bench", "Bench", "Ideas.")
        challenge = challenges.post_challenge(staff, community, "Laundry smells", "Dirt hides between the drums.")
        for n in range(IDEAS):
            idea = solutions.submit_solution(staff, challenge, f"Idea {n}: a steam nozzle after each wash", "Steam.")
            status.change_status(staff, idea, "shortlisted", "Going to the lab next week with the engineers.")
            comments.add_comment(staff, challenge, "Would a brush in the gap help too?", solution=idea)
"""


def seed(env, path, members, per_member):
    flask_python(env, CONTENT.replace("IDEAS", str(IDEAS)))
    conn = sqlite3.connect(path)
    ideas = [row[0] for row in conn.execute("SELECT id FROM solution ORDER BY id")]
    comment_of = dict(conn.execute("SELECT solution_id, id FROM comment"))
    now = conn.execute("SELECT max(created) FROM comment").fetchone()[0]
    conn.execute("DELETE FROM notification")
    conn.executemany(
        "INSERT INTO user_account (username, username_key, email, password_hash, site_role, session_token, "
        "created, unread_notifications, trusted, mail_frequency, locale) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [
            (f"fan{n}", f"fan{n}", f"fan{n}@bench.example", "x", "fan", f"t{n}", now, per_member, 1, "daily",
             "zh_Hans" if n % 2 else None)
            for n in range(members)
        ],
    )  # fmt: skip
    fans = [row[0] for row in conn.execute("SELECT id FROM user_account WHERE username LIKE 'fan%' ORDER BY id")]
    rows = []
    for n, fan in enumerate(fans):
        for k in range(per_member):
            idea = ideas[(n * 7 + k * 131) % len(ideas)]
            if k % 2 == 0:
                rows.append((fan, "status", idea, None, "shortlisted", now))
            else:
                rows.append((fan, "comment", idea, comment_of[idea], None, now))
    conn.executemany(
        "INSERT INTO notification (user_id, kind, actor_id, challenge_id, solution_id, comment_id, detail, created) "
        "VALUES (?, ?, 1, 1, ?, ?, ?, ?)",
        rows,
    )
    conn.commit()
    conn.close()
    return len(rows)


def flask_python(env, code):
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"seeding failed:\n{out.stdout}\n{out.stderr}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--per-member", type=int, default=3)
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    from aiosmtpd.controller import Controller

    work = tempfile.mkdtemp(prefix="cocreate-digest-bench-")
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    env = {
        **os.environ,
        "PYTHONPATH": ROOT,
        "COCREATE_INSTANCE_PATH": os.path.join(work, "instance"),
        "COCREATE_SQLALCHEMY_DATABASE_URI": f"sqlite:///{work}/bench.db",
        "COCREATE_SEARCH_INDEX_DIR": os.path.join(work, "index"),
        "COCREATE_MAIL_BACKEND": "smtp",
        "COCREATE_MAIL_SERVER": "127.0.0.1",
        "COCREATE_MAIL_PORT": str(controller.port),
        "COCREATE_LOG_LEVEL": "WARNING",
    }
    consumer = None
    try:
        flask(env, "db", "upgrade")
        started = time.perf_counter()
        notifications = seed(env, os.path.join(work, "bench.db"), args.members, args.per_member)
        print(
            f"seeded {args.members} members and {notifications} notifications in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        log = open(os.path.join(work, "consumer.log"), "wb")  # noqa: SIM115  (open while the consumer runs)
        consumer = subprocess.Popen(
            [os.path.join(BIN, "flask"), "--app", "app", "worker"], cwd=ROOT, env=env, stdout=log, stderr=log
        )
        time.sleep(3)  # the consumer's start (its first sweep finds nothing to send)
        samples = {"consumer": [], "command": []}
        started = time.perf_counter()
        command = subprocess.Popen(
            [os.path.join(BIN, "flask"), "--app", "app", "digests", "send", "--frequency", "daily"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        queued_at = None
        while sink.count < args.members:
            for name, process in (("consumer", consumer), ("command", command)):
                size = rss_mb(process.pid) if process.poll() is None else None
                if size:
                    samples[name].append(size)
            if queued_at is None and command.poll() is not None:
                queued_at = time.perf_counter() - started
                if command.returncode:
                    raise RuntimeError(command.stderr.read())
                print(command.stdout.read().strip(), f"({queued_at:.1f} s)", flush=True)
            if consumer.poll() is not None:
                raise RuntimeError(f"the consumer ended ({consumer.returncode})")
            if time.perf_counter() - started > 1800:
                raise RuntimeError(f"only {sink.count} mails in 30 minutes")
            time.sleep(0.2)
        total = time.perf_counter() - started
        report = {
            "members": args.members,
            "notifications": notifications,
            "queue_seconds": round(queued_at or total, 1),
            "total_seconds": round(total, 1),
            "mails": sink.count,
            "consumer_rss_mb": {
                "start": round(samples["consumer"][0]),
                "peak": round(max(samples["consumer"])),
                "end": round(samples["consumer"][-1]),
            },
            "command_rss_mb": {"start": round(samples["command"][0]), "peak": round(max(samples["command"]))}
            if samples["command"]
            else None,
        }
        print(json.dumps(report, indent=2))
        if args.json:
            with open(args.json, "w") as f:
                json.dump(report, f, indent=2)
    finally:
        if consumer is not None:
            consumer.terminate()
            consumer.wait(timeout=30)
        controller.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
