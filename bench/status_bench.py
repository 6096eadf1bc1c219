"""Status benchmark: a status change of an idea with 20,000 voters, at the door and in the consumer.

    .venv/bin/python bench/status_bench.py [--voters 20000] [--changes 6]
    .venv/bin/python bench/status_bench.py --compare old=/tmp/cocreate-old   # the old door too

The goal: `POST /api/v1/solutions/{id}/status` answers in under 100 ms, and the consumer has
written every voter's notification of that change within 60 s of the answer.

In a fresh database of its own (in `--workdir`, a new temp folder by default): this tree's
migrations, an admin (`flask create-user`) and its token (`flask create-token`); gunicorn with
gunicorn.conf.py and one `flask --app app worker` consumer; a community, a challenge and a
solution through the API; then 20,000 users, their votes for that solution and the follows a vote
adds, inserted with SQL (the solution's and the challenge's vote counts and the follower count
kept in step). The admin then moves the solution shortlisted -> open -> shortlisted ... The door
time is the API call seen by the client (a new connection each); the fan-out time runs from the
answer until the notification table holds a row of that change for every voter (polled every
20 ms). Before each change the queue is empty and the previous change fully told, so each door
is timed on a quiet forum; `--busy` more changes are then made right after one another, the
second while the first's notifications are being written.

With `--compare NAME=PATH`, that tree is served too (its gunicorn, and its consumer if it has the
`worker` command), on the same database, and the trees take turns change by change (alternating
which goes first). A tree without a consumer must have written every notification by the time it
answers; the script checks that too.
"""

import argparse
import http.client
import json
import os
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from machine import Watch  # noqa: E402
from run_bench import BIN, Tree, parse_tree  # noqa: E402

ADMIN = "status_admin"
NOTE = "Shortlisted for the product team's review; thank you all for voting."
FANOUT_LIMIT_SECONDS = 60
POLL_SECONDS = 0.02


def flask(tree_path, env, *args):
    out = subprocess.run(
        [os.path.join(BIN, "flask"), "--app", "app", *args],
        cwd=tree_path,
        env={**env, "PYTHONPATH": tree_path},
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout.strip()


def api(base, method, path, token, body=None):
    """(status, JSON answer, seconds) of one API call on a new connection."""
    host, port = base.removeprefix("http://").split(":")
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    started = time.perf_counter()
    connection = http.client.HTTPConnection(host, int(port), timeout=120)
    try:
        connection.request(method, "/api/v1" + path, body=data, headers=headers)
        answer = connection.getresponse()
        text = answer.read()
    finally:
        connection.close()
    seconds = time.perf_counter() - started
    return answer.status, json.loads(text) if text else None, seconds


def created(method_answer, what):
    status, body, _seconds = method_answer
    if status != 201:
        raise RuntimeError(f"creating {what} answered {status}: {body}")
    return body


def insert_voters(database, solution_id, voters):
    """`voters` users, each with a vote for the solution and the follow a vote adds; counts kept."""
    now = time.strftime("%Y-%m-%d %H:%M:%S.000000", time.gmtime())
    with sqlite3.connect(database, timeout=30) as conn:
        challenge_id = conn.execute("SELECT challenge_id FROM solution WHERE id = ?", (solution_id,)).fetchone()[0]
        first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM user_account").fetchone()[0]
        tag = secrets.token_hex(4)
        conn.executemany(
            "INSERT INTO user_account (id, username, username_key, email, password_hash, site_role, session_token, "
            "created, unread_notifications, trusted) VALUES (?, ?, ?, ?, '!', 'fan', ?, ?, 0, 1)",
            (
                (first + n, f"voter{tag}{n}", f"voter{tag}{n}", f"voter{tag}{n}@bench.example.com",
                 secrets.token_urlsafe(32), now)
                for n in range(voters)
            ),
        )  # fmt: skip
        ids = range(first, first + voters)
        conn.executemany(
            "INSERT INTO vote (solution_id, challenge_id, user_id, created) VALUES (?, ?, ?, ?)",
            ((solution_id, challenge_id, user_id, now) for user_id in ids),
        )
        conn.executemany(
            "INSERT INTO follow (user_id, target_type, target_id, created) VALUES (?, 'solution', ?, ?)",
            ((user_id, solution_id, now) for user_id in ids),
        )
        conn.execute(
            "UPDATE solution SET vote_count = (SELECT count(*) FROM vote WHERE solution_id = ?), "
            "follower_count = (SELECT count(*) FROM follow WHERE target_type = 'solution' AND target_id = ?) "
            "WHERE id = ?",
            (solution_id, solution_id, solution_id),
        )
        conn.execute(
            "UPDATE challenge SET vote_count = (SELECT count(*) FROM vote WHERE challenge_id = ?) WHERE id = ?",
            (challenge_id, challenge_id),
        )
        return set(ids)


class Forum:
    """A read-only view of the database for the polls."""

    def __init__(self, database):
        self.conn = sqlite3.connect(database, timeout=30, isolation_level=None)

    def scalar(self, sql, *params):
        return self.conn.execute(sql, params).fetchone()[0]

    def last_notification(self):
        return self.scalar("SELECT coalesce(max(id), 0) FROM notification")

    def told(self, solution_id, after_id, status):
        return self.scalar(
            "SELECT count(DISTINCT user_id) FROM notification WHERE solution_id = ? AND id > ? "
            "AND kind = 'status' AND detail = ?",
            solution_id,
            after_id,
            status,
        )

    def status(self, solution_id):
        return self.scalar("SELECT status FROM solution WHERE id = ?", solution_id)

    def queued_for_index(self):
        return self.scalar("SELECT count(*) FROM search_queue")

    def untold_events(self):
        try:
            return self.scalar("SELECT count(*) FROM notification_outbox WHERE done = 0")
        except sqlite3.OperationalError:
            return 0


def wait_until_told(forum, solution_id, after_id, status, voters, answered):
    """Seconds from `answered` until every voter has the change's notification (None: not in time)."""
    while True:
        if forum.told(solution_id, after_id, status) >= voters:
            return time.perf_counter() - answered
        if time.perf_counter() - answered > FANOUT_LIMIT_SECONDS * 2:
            return None
        time.sleep(POLL_SECONDS)


def settle(trees, forum):
    """Wait until no tree has queued jobs, no stored event is untold and the search queue is empty
    (code without a consumer indexes after its answer, holding the write lock while it does)."""
    for tree in trees:
        tree.wait_for_queue()
    deadline = time.perf_counter() + FANOUT_LIMIT_SECONDS * 2
    while (forum.untold_events() or forum.queued_for_index()) and time.perf_counter() < deadline:
        time.sleep(0.1)
    time.sleep(0.2)  # the consumer's last job may still be finishing


def change(tree, forum, token, solution_id, voters):
    """One status change: (door seconds, fan-out seconds or 0 when told at the door, new status)."""
    to = "open" if forum.status(solution_id) == "shortlisted" else "shortlisted"
    mark = forum.last_notification()
    status, body, door = api(tree.base, "POST", f"/solutions/{solution_id}/status", token, {"status": to, "note": NOTE})
    answered = time.perf_counter()
    if status != 201:
        raise RuntimeError(f"{tree.name}: the status change answered {status}: {body}")
    told_at_door = forum.told(solution_id, mark, to)
    if told_at_door >= voters:
        return door, 0.0, to, mark
    if tree.consumer is None:
        raise RuntimeError(f"{tree.name} has no consumer and told {told_at_door} of {voters} voters at the door")
    return door, wait_until_told(forum, solution_id, mark, to, voters, answered), to, mark


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tree", type=parse_tree, default=("new", ROOT), help="NAME=PATH of the code measured")
    parser.add_argument("--compare", type=parse_tree, help="NAME=PATH of a tree to time at the door as well")
    parser.add_argument("--voters", type=int, default=20_000)
    parser.add_argument("--changes", type=int, default=6, help="timed changes per tree (after one to warm up)")
    parser.add_argument("--busy", type=int, default=3, help="pairs of changes made right after one another")
    parser.add_argument("--port", type=int, default=5191)
    parser.add_argument("--workdir", help="the database, index and instance folders (default: a new temp folder)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (database, logs)")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--quiet-below", type=float, default=0.10, help="see bench/machine.py and run_bench.py")
    parser.add_argument("--tries", type=int, default=3, help="changes per measurement at most, when others disturb")
    args = parser.parse_args()
    workdir = args.workdir or tempfile.mkdtemp(prefix="cocreate-status-bench-")
    os.makedirs(workdir, exist_ok=True)
    database = os.path.join(workdir, "status.db")
    if os.path.exists(database):
        parser.error(f"{database} exists: the benchmark wants a fresh database")
    env = {
        **os.environ,
        "COCREATE_SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        "COCREATE_SEARCH_INDEX_DIR": os.path.join(workdir, "index"),
        "COCREATE_RATELIMIT_ENABLED": "false",
        "COCREATE_LOG_REQUESTS": "false",
    }
    env.setdefault("COCREATE_SECRET_KEY", "bench")
    env.pop("COCREATE_JOBS_DATABASE", None)  # each tree's queue in its own instance folder
    name, path = args.tree
    trees = [Tree(name, path, os.path.join(workdir, f"instance-{name}"), args.port)]
    if args.compare:
        trees.append(Tree(args.compare[0], args.compare[1], os.path.join(workdir, f"instance-{args.compare[0]}"),
                          args.port + 1))  # fmt: skip
    main_tree = trees[0]
    # The setup commands share the served tree's instance folder: jobs they enqueue reach its consumer.
    env["COCREATE_INSTANCE_PATH"] = main_tree.instance
    os.makedirs(main_tree.instance, exist_ok=True)
    if not main_tree.has_consumer_command(env):
        parser.error(f"{main_tree.path} has no `flask --app app worker`: this benchmark measures the consumer")

    t0 = time.perf_counter()
    flask(main_tree.path, env, "db", "upgrade")
    password = secrets.token_urlsafe(16)
    flask(main_tree.path, env, "create-user", ADMIN, "--email", "admin@status.example.com", "--password", password,
          "--role", "admin")  # fmt: skip
    token = flask(main_tree.path, env, "create-token", ADMIN, "--label", "status bench").splitlines()[-1]
    results = {tree.name: {"door": [], "fanout": [], "others": []} for tree in trees}
    watch = Watch()
    busy = []
    try:
        main_tree.start(env, consumer=True)
        base = main_tree.base
        slug = created(api(base, "POST", "/communities", token, {"slug": "status-bench", "name": "Status bench"}),
                       "the community")["slug"]  # fmt: skip
        challenge = created(
            api(base, "POST", f"/communities/{slug}/challenges", token,
                {"title": "Quieter spin cycles", "body": "How could the washer's spin be quieter at night?"}),
            "the challenge",
        )  # fmt: skip
        solution = created(
            api(base, "POST", f"/challenges/{challenge['id']}/solutions", token,
                {"title": "A night mode that spins slower for longer", "body": "Halve the spin speed after 22:00."}),
            "the solution",
        )  # fmt: skip
        solution_id = solution["id"]
        started = time.perf_counter()
        voter_ids = insert_voters(database, solution_id, args.voters)
        print(f"{args.voters} voters inserted in {time.perf_counter() - started:.1f} s; solution {solution_id}")
        forum = Forum(database)
        for tree in trees[1:]:
            tree.start(env, consumer=tree.has_consumer_command(env))
        settle(trees, forum)
        for tree in trees:  # warms the door and the consumer's job (imports, statements)
            change(tree, forum, token, solution_id, len(voter_ids))
            settle(trees, forum)
        for n in range(args.changes):
            for tree in trees if n % 2 == 0 else trees[::-1]:
                # Measured again (another change) when others used more than --quiet-below of the
                # cores during it, at most --tries changes in all.
                for attempt in range(1, args.tries + 1):
                    for each in trees:
                        each.ensure_running()
                    watch.wait_until_quiet(args.quiet_below)
                    with watch.measure() as seen:
                        door, fanout, to, _mark = change(tree, forum, token, solution_id, len(voter_ids))
                    told = (
                        "at the door"
                        if fanout == 0
                        else f"{fanout:.2f} s after the answer"
                        if fanout
                        else "NOT in time"
                    )
                    print(f"  {tree.name}: -> {to}: door {door * 1000:.1f} ms, all told {told} "
                          f"(others {seen.foreign:.0%}, try {attempt})", flush=True)  # fmt: skip
                    settle(trees, forum)
                    if seen.foreign < args.quiet_below:
                        break
                results[tree.name]["door"].append(door)
                results[tree.name]["fanout"].append(fanout)
                results[tree.name]["others"].append((round(seen.foreign, 3), attempt))
        # Busy: the second change arrives while the first one's notifications are being written.
        for _ in range(args.busy):
            watch.wait_until_quiet(args.quiet_below)
            first_door, _f, first_to, first_mark = change_without_waiting(main_tree, forum, token, solution_id)
            second_door, _f2, second_to, second_mark = change_without_waiting(main_tree, forum, token, solution_id)
            answered = time.perf_counter()
            both = wait_until_told(forum, solution_id, second_mark, second_to, len(voter_ids), answered)
            first_told = forum.told(solution_id, first_mark, first_to)
            busy.append({"first_door": first_door, "second_door": second_door, "second_told_after": both,
                         "first_told": first_told})  # fmt: skip
            told = f"both told {both:.2f} s after the second answer" if both else "NOT told in time"
            print(
                f"  busy: door {first_door * 1000:.1f} ms, then {second_door * 1000:.1f} ms during its fan-out; {told}"
            )
            settle(trees, forum)
        rows = forum.scalar("SELECT count(*) FROM notification")
    finally:
        for tree in trees:
            tree.stop()

    report = {"voters": len(voter_ids), "changes": args.changes, "notification_rows": rows, "trees": {}, "busy": busy}
    print(f"\nA status change of a solution with {len(voter_ids)} voters; {args.changes} changes per tree, "
          f"shortlisted <-> open, each on a quiet forum; {rows} notification rows at the end")  # fmt: skip
    print("| tree | door p50 ms | door min ms | door max ms | all told after the answer, median s | max s |")
    print("|------|-------------|-------------|-------------|--------------------------------------|-------|")
    for tree in trees:
        door, fanout = results[tree.name]["door"], results[tree.name]["fanout"]
        late = [f for f in fanout if f is None]
        told = [f for f in fanout if f is not None]
        summary = {
            "door_ms": [d * 1000 for d in door],
            "fanout_s": fanout,
            "door_p50_ms": statistics.median(door) * 1000,
            "fanout_p50_s": statistics.median(told) if told else None,
            "fanout_max_s": max(told) if told else None,
            "not_in_time": len(late),
            "consumer": tree.consumer is not None,
            "others_share_and_tries": results[tree.name]["others"],
            "consumer_restarts": tree.consumer_restarts,
        }
        report["trees"][tree.name] = summary
        fan = "at the door" if not any(told) else f"{summary['fanout_p50_s']:.2f}"
        print(f"| {tree.name} | {summary['door_p50_ms']:.1f} | {min(door) * 1000:.1f} | {max(door) * 1000:.1f} | "
              f"{fan} | {summary['fanout_max_s'] or 0:.2f} |")  # fmt: skip
        if late:
            print(f"  {tree.name}: {len(late)} changes not told within {FANOUT_LIMIT_SECONDS * 2} s")
    if busy:
        second = statistics.median(b["second_door"] for b in busy) * 1000
        print(f"During a fan-out: the next change's door p50 {second:.1f} ms ({len(busy)} pairs)")
    print(f"Goal: door < 100 ms, all told < {FANOUT_LIMIT_SECONDS} s. Setup and run: {time.perf_counter() - t0:.0f} s")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(report, out, indent=1)
    if args.keep:
        print(f"Work folder: {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)


def change_without_waiting(tree, forum, token, solution_id):
    to = "open" if forum.status(solution_id) == "shortlisted" else "shortlisted"
    mark = forum.last_notification()
    status, body, door = api(tree.base, "POST", f"/solutions/{solution_id}/status", token, {"status": to, "note": NOTE})
    if status != 201:
        raise RuntimeError(f"{tree.name}: the status change answered {status}: {body}")
    return door, None, to, mark


if __name__ == "__main__":
    main()
