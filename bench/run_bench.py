"""Page benchmark: the forum as served (gunicorn, and its job consumer), driven by wrk, against the
bare-Flask ceiling. It measures one source tree, or several side by side.

    COCREATE_SQLALCHEMY_DATABASE_URI=sqlite:////path/bench.db \\
    COCREATE_SEARCH_INDEX_DIR=/path/bench-index \\
        .venv/bin/python bench/run_bench.py [--duration 5] [--connections 8] [--no-page-cache]
        .venv/bin/python bench/run_bench.py --tree old=/tmp/cocreate-old --tree new=.

Seed first with `flask --app app seed-bench`. Every server runs with its tree's gunicorn.conf.py
(the config `make run` uses) on 127.0.0.1, from the tree's folder with PYTHONPATH pointing there,
so `app:app` is that tree's code; a tree whose `flask --app app --help` lists a `worker` command
also gets one consumer (`flask --app app worker`) beside its gunicorn, as it is served
(`--consumer always|never` overrides the check). Each tree gets an instance folder of its own
under `--instance-root` (its job queue, its rate-limit counters, its page generation, the logs).

The machine is shared: each measurement waits until other people's processes use less than
`--quiet-below` of the cores (bench/machine.py), and is taken again (up to `--tries` times) when
they used more during it; the share each kept measurement saw is reported.

Every server stays up and the URLs take turns: within a round each URL is measured on every tree
one after the other (the trees' order alternating between rounds), so a noisy moment on a shared
machine falls on all of them alike. wrk (Debian's package) drives each URL for `--duration`
seconds with 2 threads and `--connections` connections; the tables give each URL's median round,
and with several trees the ratio of each to the first tree.

The vote row is the API's write path (PUT /vote): 1,000 fans with tokens, each given solutions of
the biggest challenge they have not voted for yet (never their own), shuffled; every vote run (a
round on a tree, each try of it) and every wrk thread takes its own share (bench/vote.lua), so
each request adds a new vote. After a tree's vote run its job queue is left to drain before anything else is
measured. Afterwards every solution's kept count is checked against its vote rows.

The URLs and the fans' tokens are made with the last tree's code: the database must be migrated
by it.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

from machine import Watch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".venv", "bin")
VOTERS = 1000
WRK_THREADS = 2  # vote.lua shares the pairs out among this many threads per run
VOTE_SCRIPT = os.path.join(ROOT, "bench", "vote.lua")
VOTE_PAIRS_PER_SECOND = 600  # each vote run gets this many new pairs per second it lasts (at least 3,000)
QUEUE_DRAIN_SECONDS = 120


class Tree:
    """One source tree as served: its gunicorn, and its consumer when it has one."""

    def __init__(self, name, path, instance, port):
        self.name, self.path, self.instance, self.port = name, os.path.abspath(path), instance, port
        self.base = f"http://127.0.0.1:{port}"
        self.server = self.consumer = None
        self.consumer_restarts = []  # (when, exit code): a consumer someone else stopped is started again
        self._env = None

    def env(self, base_env):
        env = {**base_env, "PYTHONPATH": self.path, "COCREATE_INSTANCE_PATH": self.instance}
        return env

    @property
    def jobs_database(self):
        return os.environ.get("COCREATE_JOBS_DATABASE") or os.path.join(self.instance, "jobs.sqlite")

    def has_consumer_command(self, env):
        """Whether this tree's app has `flask --app app worker`."""
        out = subprocess.run(
            [os.path.join(BIN, "flask"), "--app", "app", "--help"],
            cwd=self.path,
            env=self.env(env),
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout
        return re.search(r"^\s+worker\s", out, re.MULTILINE) is not None

    def start(self, env, consumer):
        os.makedirs(self.instance, exist_ok=True)
        config = os.path.join(self.path, "gunicorn.conf.py")
        self.server = _spawn(
            [os.path.join(BIN, "gunicorn"), "--config", config, "--bind", f"127.0.0.1:{self.port}", "app:app"],
            self.path,
            self.env(env),
            os.path.join(self.instance, "gunicorn.log"),
        )
        self._env = env
        if consumer:
            self._start_consumer()
        _wait_for_port(self.port, f"{self.name}'s gunicorn", self.server)

    def _start_consumer(self):
        self.consumer = _spawn(
            [os.path.join(BIN, "flask"), "--app", "app", "worker"],
            self.path,
            self.env(self._env),
            os.path.join(self.instance, "consumer.log"),
        )

    def ensure_running(self):
        """Start the consumer again if it has ended (the machine is shared: someone may stop it)."""
        if self.server.poll() is not None:
            raise RuntimeError(f"{self.name}'s gunicorn exited with {self.server.returncode}")
        if self.consumer is not None and self.consumer.poll() is not None:
            self.consumer_restarts.append((time.strftime("%H:%M:%S"), self.consumer.returncode))
            print(f"  {self.name}'s consumer had ended ({self.consumer.returncode}): starting it again", flush=True)
            self._start_consumer()

    def queued_jobs(self):
        """Jobs waiting in this tree's queue (0 without a consumer or a queue)."""
        if self.consumer is None or not os.path.exists(self.jobs_database):
            return 0
        with sqlite3.connect(self.jobs_database, timeout=10) as conn:
            try:
                return conn.execute("SELECT count(*) FROM task").fetchone()[0]
            except sqlite3.OperationalError:  # the consumer has not made its tables yet
                return 0

    def wait_for_queue(self):
        """Seconds until the queue is empty (the consumer's last job may still be running then)."""
        started = time.perf_counter()
        while self.queued_jobs():
            self.ensure_running()
            if time.perf_counter() - started > QUEUE_DRAIN_SECONDS:
                raise RuntimeError(f"{self.name}'s job queue did not drain in {QUEUE_DRAIN_SECONDS} s")
            time.sleep(0.1)
        return time.perf_counter() - started

    def stop(self):
        for process, sig in ((self.consumer, signal.SIGINT), (self.server, signal.SIGTERM)):
            if process is None or process.poll() is not None:
                continue
            process.send_signal(sig)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _spawn(command, cwd, env, log_path):
    log = open(log_path, "ab")  # noqa: SIM115  (the child writes to it until it ends)
    try:
        return subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    finally:
        log.close()


def _wait_for_port(port, what, process):
    for _ in range(600):
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not start")


def targets(database_uri, votes_file, pairs_wanted, instance):
    """The URLs to measure on the seeded forum, and a file of (token, solution) pairs for votes:
    `pairs_wanted` pairs no fan has voted for yet."""
    from forum import create_app
    from forum.accounts import tokens
    from forum.accounts.models import User
    from forum.challenges.models import Challenge
    from forum.communities.models import Community
    from forum.extensions import db
    from forum.paging import encode_cursor
    from forum.solutions.models import Solution, Vote

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_uri, "SECRET_KEY": "bench", "LOG_REQUESTS": False}, instance)
    with app.app_context():
        big = db.session.execute(db.select(Challenge).order_by(Challenge.solution_count.desc())).scalars().first()
        community = db.session.get(Community, big.community_id)
        # Page 500 of the hot list starts after the 10,000th solution: its cursor, as the pager makes it.
        hot, last_id = db.session.execute(
            db.select(Solution.hot, Solution.id)
            .where(Solution.challenge_id == big.id)
            .order_by(Solution.hot.desc(), Solution.id.desc())
            .offset(499 * 20 - 1)
            .limit(1)
        ).one()
        discussed = db.session.execute(
            db.select(Solution.id).where(Solution.comment_count >= 50).order_by(Solution.comment_count).limit(1)
        ).scalar()
        ballot = db.session.execute(
            db.select(Solution.id, Solution.author_id)
            .where(Solution.challenge_id == big.id)
            .order_by(Solution.id)
            .limit(2000)
        ).all()
        voters = db.session.execute(db.select(User).order_by(User.id).limit(VOTERS)).scalars().all()
        voted = set(
            db.session.execute(
                db.select(Vote.user_id, Vote.solution_id).where(
                    Vote.challenge_id == big.id, Vote.user_id.in_([user.id for user in voters])
                )
            ).all()
        )
        per_fan = -(-pairs_wanted // len(voters))
        pairs, rng = [], secrets.SystemRandom()
        for user in voters:
            token = tokens.issue_token(user, "bench")[1]
            # Never their own ideas, never one they voted for already (earlier runs left votes).
            others = [sid for sid, author_id in ballot if author_id != user.id and (user.id, sid) not in voted]
            pairs += [f"{token} {solution_id}\n" for solution_id in rng.sample(others, min(per_fan, len(others)))]
        db.session.commit()  # the tokens (newer code only flushes them: the caller's door commits)
        rng.shuffle(pairs)
        with open(votes_file, "w") as out:
            out.writelines(pairs)
        return len(pairs), [
            ("home", "/"),
            ("community page", f"/c/{community.slug}"),
            ("solutions, hot, page 1", f"/challenges/{big.id}?sort=hot"),
            ("solutions, hot, page 500", f"/challenges/{big.id}?sort=hot&cursor={encode_cursor([hot, last_id])}"),
            ("solution, 50+ comments", f"/solutions/{discussed}"),
            ("search, Chinese", "/search?q=%E6%B4%97%E8%A1%A3%E6%9C%BA"),  # 洗衣机
            ("search, English", "/search?q=battery"),
        ]


def steady(watch, args, measure):
    """Run `measure()` once others leave the machine quiet; again (at most --tries times) when they
    used more than --quiet-below of the cores during it. Returns (its result, their share, tries)."""
    for attempt in range(1, args.tries + 1):
        watch.wait_until_quiet(args.quiet_below, timeout=args.quiet_timeout)
        with watch.measure() as seen:
            result = measure(attempt)
        if seen.foreign < args.quiet_below:
            break
    return result, seen.foreign, attempt


def wrk(url, duration, connections, script=None):
    """(requests per second, p50 ms, p99 ms, non-2xx responses) from one wrk run."""
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{connections}", f"-d{duration}s", "--latency", url]
    if script:
        command[1:1] = ["-s", script[0]]
        command += ["--", *script[1:]]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, _ms(out, "50%"), _ms(out, "99%"), int(errors.group(1)) if errors else 0


def _ms(out, label):
    value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def worker_rss(server):
    """Resident memory of each gunicorn worker, MB."""
    children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
    sizes = []
    for pid in children:
        with open(f"/proc/{pid}/status") as status:
            sizes += [int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS")]
    return sizes


def count_votes(database_uri):
    from sqlalchemy import create_engine, text

    engine = create_engine(database_uri)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM vote")).scalar()
    finally:
        engine.dispose()


def miscounted(database_uri):
    """Solutions whose kept count disagrees with their vote rows."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_uri)
    try:
        with engine.connect() as conn:
            return conn.execute(
                text(
                    "SELECT count(*) FROM solution s WHERE s.vote_count != "
                    "(SELECT count(*) FROM vote v WHERE v.solution_id = s.id)"
                )
            ).scalar()
    finally:
        engine.dispose()


def clean(found, shares, below):
    """The measurements others left alone (all of them if none was)."""
    quiet = [result for result, (share, _tries) in zip(found, shares, strict=True) if share < below]
    return quiet or found


def median(values):
    return sorted(values)[len(values) // 2]


def parse_tree(value):
    name, sep, path = value.partition("=")
    if not sep or not name or not path:
        raise argparse.ArgumentTypeError("give a tree as NAME=PATH, e.g. old=/tmp/cocreate-old")
    if not os.path.exists(os.path.join(path, "app.py")):
        raise argparse.ArgumentTypeError(f"{path} has no app.py")
    return name, path


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3, help="each URL is measured this often; medians are shown")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--port", type=int, default=5091, help="the ceiling's; the trees take the ports after it")
    parser.add_argument("--no-page-cache", action="store_true", help="render every visitor's page afresh")
    parser.add_argument("--votes-only", action="store_true", help="measure the ceiling and votes, no pages")
    parser.add_argument(
        "--tree",
        action="append",
        type=parse_tree,
        help="NAME=PATH of a source tree to serve (repeat to compare; ratios are to the first). Default: this one",
    )
    parser.add_argument(
        "--consumer",
        choices=("auto", "always", "never"),
        default="auto",
        help="start `flask --app app worker` beside gunicorn: when the tree has the command (auto), or not",
    )
    parser.add_argument("--instance-root", help="each tree's instance folder is ROOT/NAME (default: a new temp folder)")
    parser.add_argument("--keep-instance", action="store_true", help="keep the instance folders (logs) afterwards")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument(
        "--quiet-below",
        type=float,
        default=0.10,
        help="measure when others use less than this share of the cores, and again if they used more during it",
    )
    parser.add_argument("--tries", type=int, default=3, help="measurements of a URL at most, when others disturb")
    parser.add_argument("--quiet-timeout", type=int, default=900, help="seconds to wait for quiet at most")
    args = parser.parse_args()
    trees_given = args.tree or [("this", ROOT)]
    if len({name for name, _ in trees_given}) != len(trees_given):
        parser.error("give each tree its own name")
    database_uri = os.environ["COCREATE_SQLALCHEMY_DATABASE_URI"]
    instance_root = args.instance_root or tempfile.mkdtemp(prefix="cocreate-bench-")
    trees = [
        Tree(name, path, os.path.join(instance_root, name), args.port + 1 + n)
        for n, (name, path) in enumerate(trees_given)
    ]
    votes_file = os.path.join(instance_root, "bench-votes.txt")
    os.makedirs(instance_root, exist_ok=True)
    # The URLs and tokens are made with the last tree's code (the newest, which migrated the database).
    sys.path.insert(0, trees[-1].path)
    vote_runs = args.rounds * len(trees) * args.tries  # each try of each (round, tree) has its own pairs
    pairs_per_run = max(3000, VOTE_PAIRS_PER_SECOND * args.duration)
    pair_count, pages = targets(
        database_uri, votes_file, pairs_per_run * vote_runs, os.path.join(instance_root, "targets")
    )
    env = {**os.environ, "COCREATE_RATELIMIT_ENABLED": "false", "COCREATE_LOG_REQUESTS": "false"}
    env.setdefault("COCREATE_SECRET_KEY", "bench")
    if args.no_page_cache:
        env["COCREATE_PAGE_CACHE_SECONDS"] = "0"
    consumers = {
        tree.name: args.consumer == "always" or (args.consumer == "auto" and tree.has_consumer_command(env))
        for tree in trees
    }
    ceiling = [
        ("ceiling: bare Flask, 5 KB", f"http://127.0.0.1:{args.port}/bare"),
        ("ceiling: 30-row Jinja list", f"http://127.0.0.1:{args.port}/list"),
    ]
    pages = [] if args.votes_only else pages
    ceiling_server = None
    results = {tree.name: {name: [] for name, _ in pages} for tree in trees}
    results["ceiling"] = {name: [] for name, _ in ceiling}
    votes = {tree.name: {"runs": [], "new": [], "drain_seconds": []} for tree in trees}
    # Others' share of the cores during each kept measurement, and how many tries it took.
    disturbance = {key: {name: [] for name in rows} for key, rows in results.items()}
    for tree in trees:
        disturbance[tree.name]["vote (PUT, API)"] = []
    watch = Watch()
    rss, drained_at_start = {}, {}
    try:
        ceiling_server = _spawn(
            [os.path.join(BIN, "gunicorn"), "--config", os.path.join(ROOT, "gunicorn.conf.py"), "--bind",
             f"127.0.0.1:{args.port}", "bench.ceiling:app"],
            ROOT, env, os.devnull,
        )  # fmt: skip
        _wait_for_port(args.port, "the ceiling", ceiling_server)
        for tree in trees:
            tree.start(env, consumers[tree.name])
        for tree in trees:
            drained_at_start[tree.name] = tree.wait_for_queue()  # a consumer's first sweep
        # Every worker warms its caches (templates, searcher, jieba).
        for _name, url in ceiling:
            urllib.request.urlopen(url, timeout=60).read()
            wrk(url, 2, args.connections)
        for tree in trees:
            for _name, path in pages:
                urllib.request.urlopen(tree.base + path, timeout=60).read()
                wrk(tree.base + path, 2, args.connections)

        def page(key, name, url):
            for tree in trees:
                tree.ensure_running()
            result, foreign, tries = steady(watch, args, lambda _try: wrk(url, args.duration, args.connections))
            results[key][name].append(result)
            disturbance[key][name].append((round(foreign, 3), tries))
            print(f"  {key:8} {name:28} {result[0]:7.0f} req/s  p50 {result[1]:6.1f}  p99 {result[2]:7.1f} ms"
                  f"  (others {foreign:.0%}, try {tries})", flush=True)  # fmt: skip

        for round_number in range(args.rounds):
            print(f"round {round_number + 1}", flush=True)
            order = trees if round_number % 2 == 0 else trees[::-1]
            for name, url in ceiling:
                page("ceiling", name, url)
            for name, path in pages:
                for tree in order:
                    page(tree.name, name, tree.base + path)
        # Each (round, tree, try) votes from its own share of the pairs (vote.lua): every vote a new one.
        for round_number in range(args.rounds):
            order = trees if round_number % 2 == 0 else trees[::-1]
            for tree in order:

                def vote_run(attempt, tree=tree, round_number=round_number):
                    tree.ensure_running()
                    run = (round_number * len(trees) + trees.index(tree)) * args.tries + attempt - 1
                    script = (VOTE_SCRIPT, votes_file, str(run), str(vote_runs), str(WRK_THREADS))
                    before = count_votes(database_uri)
                    result = wrk(tree.base + "/", args.duration, args.connections, script)
                    new = count_votes(database_uri) - before
                    return result, new, tree.wait_for_queue()  # the consumer's share of the work counts

                (result, new, drain), foreign, tries = steady(watch, args, vote_run)
                votes[tree.name]["runs"].append(result)
                votes[tree.name]["new"].append(new)
                votes[tree.name]["drain_seconds"].append(drain)
                disturbance[tree.name]["vote (PUT, API)"].append((round(foreign, 3), tries))
                print(f"  {tree.name:8} vote: {result[0]:.0f} req/s, {new} new votes "
                      f"(others {foreign:.0%}, try {tries})",
                      flush=True)  # fmt: skip
        for tree in trees:
            rss[tree.name] = worker_rss(tree.server)
    finally:
        for tree in trees:
            tree.stop()
        if ceiling_server is not None:
            ceiling_server.terminate()
            ceiling_server.wait()
    wrong = miscounted(database_uri)

    report = {
        "settings": {
            "duration": args.duration,
            "rounds": args.rounds,
            "connections": args.connections,
            "wrk_threads": WRK_THREADS,
            "page_cache": not args.no_page_cache,
            "trees": {tree.name: tree.path for tree in trees},
            "consumers": consumers,
            "vote_pairs": pair_count,
            "quiet_below": args.quiet_below,
            "tries": args.tries,
        },
        "others_share_and_tries": disturbance,
        "ceiling_rounds": results["ceiling"],
        "ceiling": {
            name: median(clean(found, disturbance["ceiling"][name], args.quiet_below))
            for name, found in results["ceiling"].items()
        },
        "trees": {},
        "miscounted_solutions": wrong,
    }
    vote_seconds = args.rounds * args.duration
    for tree in trees:
        shares = disturbance[tree.name]
        rows = {
            name: median(clean(found, shares[name], args.quiet_below)) for name, found in results[tree.name].items()
        }
        vote_shares = shares["vote (PUT, API)"]
        rows["vote (PUT, API)"] = median(clean(votes[tree.name]["runs"], vote_shares, args.quiet_below))
        quiet_new = clean(votes[tree.name]["new"], vote_shares, args.quiet_below)
        report["trees"][tree.name] = {
            "rows": rows,
            "rounds": {**results[tree.name], "vote (PUT, API)": votes[tree.name]["runs"]},
            "new_votes": sum(votes[tree.name]["new"]),
            "new_votes_per_run": votes[tree.name]["new"],
            "new_votes_per_second": sum(quiet_new) / (len(quiet_new) * args.duration),
            "queue_drain_seconds_after_votes": votes[tree.name]["drain_seconds"],
            "worker_rss_mb": rss.get(tree.name, []),
            "consumer_restarts": tree.consumer_restarts,
        }
    print_report(report, vote_seconds)
    if args.json:
        with open(args.json, "w") as out:
            json.dump(report, out, indent=1, ensure_ascii=False)
    if args.keep_instance:
        print(f"Instance folders (logs): {instance_root}")
    else:
        shutil.rmtree(instance_root, ignore_errors=True)


def print_report(report, vote_seconds):
    settings = report["settings"]
    list_ceiling = report["ceiling"]["ceiling: 30-row Jinja list"][0]
    print(
        f"gunicorn.conf.py; wrk -t{settings['wrk_threads']} -c{settings['connections']} -d{settings['duration']}s; "
        f"median of {settings['rounds']} rounds"
    )
    print(f"visitors' page cache: {'on' if settings['page_cache'] else 'off'}")
    for name, (rps, p50, p99, _errors) in report["ceiling"].items():
        print(f"{name}: {rps:.0f} req/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    for tree_name, tree in report["trees"].items():
        consumer = "with a consumer" if settings["consumers"][tree_name] else "no consumer"
        print(f"\n{tree_name}: {settings['trees'][tree_name]} ({consumer})")
        print(f"| {'page':28} | {'req/s':>8} | {'p50 ms':>7} | {'p99 ms':>7} | {'of list ceiling':>15} | non-2xx |")
        print(f"|{'-' * 30}|{'-' * 10}|{'-' * 9}|{'-' * 9}|{'-' * 17}|---------|")
        for name, (rps, p50, p99, errors) in tree["rows"].items():
            print(
                f"| {name:28} | {rps:>8.0f} | {p50:>7.1f} | {p99:>7.1f} | {rps / list_ceiling:>15.0%} | {errors:>7} |"
            )
        drains = ", ".join(f"{s:.1f}" for s in tree["queue_drain_seconds_after_votes"])
        print(
            f"Votes: {tree['new_votes']} new vote rows in {vote_seconds} s, per run {tree['new_votes_per_run']} "
            f"({tree['new_votes_per_second']:.0f} new votes/s in the runs others left alone); "
            f"job queue empty after each vote run in {drains} s"
        )
        print("Worker RSS after the run: " + ", ".join(f"{size:.0f} MB" for size in tree["worker_rss_mb"]))
        if tree["consumer_restarts"]:
            print(f"The consumer had ended and was started again: {tree['consumer_restarts']} (time, exit code)")
    names = list(report["trees"])
    if len(names) > 1:
        first = names[0]
        for other in names[1:]:
            a, b = report["trees"][first]["rows"], report["trees"][other]["rows"]
            print(f"\n{other} against {first} (ratio {other}/{first}; medians of the same run)")
            print(
                f"| {'page':28} | {first + ' req/s':>10} | {other + ' req/s':>10} | ratio | {first + ' p50':>8} | "
                f"{other + ' p50':>8} | ratio | {first + ' p99':>8} | {other + ' p99':>8} | ratio |"
            )
            print(f"|{'-' * 30}|{'-' * 12}|{'-' * 12}|-------|" + f"{'-' * 10}|{'-' * 10}|-------|" * 2)
            for name in a:
                (ra, pa, qa, _), (rb, pb, qb, _) = a[name], b[name]
                print(
                    f"| {name:28} | {ra:>10.0f} | {rb:>10.0f} | {rb / ra:>5.2f} | {pa:>8.1f} | {pb:>8.1f} | "
                    f"{pb / pa:>5.2f} | {qa:>8.1f} | {qb:>8.1f} | {qb / qa:>5.2f} |"
                )
            va, vb = report["trees"][first]["new_votes_per_second"], report["trees"][other]["new_votes_per_second"]
            print(f"| {'new votes/s':28} | {va:>10.0f} | {vb:>10.0f} | {vb / va:>5.2f} |")
    seen = [entry for rows in report["others_share_and_tries"].values() for found in rows.values() for entry in found]
    if seen:
        shares = sorted(share for share, _tries in seen)
        again = sum(tries > 1 for _share, tries in seen)
        print(
            f"\nOthers' share of the cores during the kept measurements: median {median(shares):.1%}, "
            f"max {shares[-1]:.1%}; {again} of {len(seen)} measured again (more than "
            f"{settings['quiet_below']:.0%} during the first try); the medians leave out "
            f"{sum(share >= settings['quiet_below'] for share, _tries in seen)} still disturbed after every try"
        )
    print(f"Solutions whose count disagrees with their rows: {report['miscounted_solutions']}")


if __name__ == "__main__":
    main()
