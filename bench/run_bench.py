"""Page benchmark: the forum under gunicorn, driven by wrk, against the bare-Flask ceiling.

    COCREATE_SQLALCHEMY_DATABASE_URI=sqlite:////path/bench.db \\
    COCREATE_SEARCH_INDEX_DIR=/path/bench-index \\
        .venv/bin/python bench/run_bench.py [--duration 10] [--connections 8]

Seed first with `flask --app app seed-bench`. Both servers run with gunicorn.conf.py (the
config `make run` uses) on 127.0.0.1; wrk (Debian's package) drives each URL for `--duration`
seconds with 2 threads and `--connections` connections, `--rounds` times in turn. The table gives requests per second,
p50 and p99 latency, and each page's throughput as a share of the 30-row Jinja list served by
bare Flask. The vote row is the API's write path (PUT /vote, each request a new vote by one of
1,000 fans on a random solution); afterwards every solution's kept count is checked against its
vote rows.
"""

import argparse
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
GUNICORN = os.path.join(ROOT, ".venv", "bin", "gunicorn")
VOTERS = 1000
WRK_THREADS = 2  # vote.lua shares the pairs out among this many threads per run
VOTE_SCRIPT = os.path.join(ROOT, "bench", "vote.lua")
BALLOT_PER_FAN = 25  # 25,000 (fan, solution) pairs, shuffled: every vote in a run is a new one


def targets(database_uri, votes_file):
    """The URLs to measure on the seeded forum, and a file of (token, solution) pairs for votes."""
    from forum import create_app
    from forum.accounts import tokens
    from forum.accounts.models import User
    from forum.challenges.models import Challenge
    from forum.communities.models import Community
    from forum.extensions import db
    from forum.paging import encode_cursor
    from forum.solutions.models import Solution

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_uri, "SECRET_KEY": "bench", "LOG_REQUESTS": False})
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
        pairs, rng = [], secrets.SystemRandom()
        for user in voters:
            token = tokens.issue_token(user, "bench")[1]
            others = [solution_id for solution_id, author_id in ballot if author_id != user.id]  # no own ideas
            pairs += [f"{token} {solution_id}\n" for solution_id in rng.sample(others, BALLOT_PER_FAN)]
        rng.shuffle(pairs)
        with open(votes_file, "w") as out:
            out.writelines(pairs)
        return [
            ("home", "/"),
            ("community page", f"/c/{community.slug}"),
            ("solutions, hot, page 1", f"/challenges/{big.id}?sort=hot"),
            ("solutions, hot, page 500", f"/challenges/{big.id}?sort=hot&cursor={encode_cursor([hot, last_id])}"),
            ("solution, 50+ comments", f"/solutions/{discussed}"),
            ("search, Chinese", "/search?q=%E6%B4%97%E8%A1%A3%E6%9C%BA"),  # 洗衣机
            ("search, English", "/search?q=battery"),
        ]


def serve(app_module, port, env):
    server = subprocess.Popen(
        [GUNICORN, "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", app_module],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{app_module} did not start")


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


def check_votes(database_uri):
    """(votes in the table, solutions whose kept count disagrees with their vote rows)."""
    from sqlalchemy import create_engine, text

    with create_engine(database_uri).connect() as conn:
        total = conn.execute(text("SELECT count(*) FROM vote")).scalar()
        wrong = conn.execute(
            text(
                "SELECT count(*) FROM solution s WHERE s.vote_count != "
                "(SELECT count(*) FROM vote v WHERE v.solution_id = s.id)"
            )
        ).scalar()
    return total, wrong


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3, help="each URL is measured this often; medians are shown")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--port", type=int, default=5091)
    parser.add_argument("--no-page-cache", action="store_true", help="render every visitor's page afresh")
    parser.add_argument("--votes-only", action="store_true", help="measure the ceiling and votes, no pages")
    args = parser.parse_args()
    database_uri = os.environ["COCREATE_SQLALCHEMY_DATABASE_URI"]
    votes_file = os.path.join(tempfile.gettempdir(), "bench-votes.txt")
    pages = targets(database_uri, votes_file)
    env = {**os.environ, "COCREATE_RATELIMIT_ENABLED": "false", "COCREATE_LOG_REQUESTS": "false"}
    env.setdefault("COCREATE_SECRET_KEY", "bench")
    if args.no_page_cache:
        env["COCREATE_PAGE_CACHE_SECONDS"] = "0"
    ceiling_base, forum_base = f"http://127.0.0.1:{args.port}", f"http://127.0.0.1:{args.port + 1}"
    runs = [
        ("ceiling: bare Flask, 5 KB", ceiling_base + "/bare"),
        ("ceiling: 30-row Jinja list", ceiling_base + "/list"),
    ]
    runs += [] if args.votes_only else [(name, forum_base + path) for name, path in pages]
    # Both servers stay up and the URLs take turns, round after round, so that a noisy moment on
    # this shared machine falls on all of them alike; the table shows each URL's median round.
    servers = [serve("bench.ceiling:app", args.port, env), serve("app:app", args.port + 1, env)]
    results = {name: [] for name, _url in runs}
    try:
        for _name, url in runs:
            urllib.request.urlopen(url, timeout=60).read()
            wrk(url, 2, args.connections)  # every worker warms its caches (templates, searcher, jieba)
        for _round in range(args.rounds):
            for name, url in runs:
                results[name].append(wrk(url, args.duration, args.connections))
        before, _ = check_votes(database_uri)
        # Each round votes from its own share of the pairs (vote.lua), so every vote is a new one.
        scripts = [
            (VOTE_SCRIPT, votes_file, str(run), str(args.rounds), str(WRK_THREADS)) for run in range(args.rounds)
        ]
        vote_runs = [wrk(forum_base + "/", args.duration, args.connections, script) for script in scripts]
        results["vote (PUT, API)"] = vote_runs
        rss = worker_rss(servers[1])
        vote_seconds = args.rounds * args.duration
    finally:
        for server in servers:
            server.terminate()
            server.wait()
    after, wrong = check_votes(database_uri)

    rows = {name: sorted(found)[len(found) // 2] for name, found in results.items()}
    list_ceiling = rows["ceiling: 30-row Jinja list"][0]
    cache = "off" if args.no_page_cache else "on"
    print(
        f"gunicorn.conf.py; wrk -t{WRK_THREADS} -c{args.connections} -d{args.duration}s; median of {args.rounds} rounds"
    )
    print(f"visitors' page cache: {cache}")
    print(f"| {'page':28} | {'req/s':>8} | {'p50 ms':>7} | {'p99 ms':>7} | {'of list ceiling':>15} | non-2xx |")
    print(f"|{'-' * 30}|{'-' * 10}|{'-' * 9}|{'-' * 9}|{'-' * 17}|---------|")
    for name, (rps, p50, p99, errors) in rows.items():
        share = f"{rps / list_ceiling:.0%}" if not name.startswith("ceiling") else ""
        print(f"| {name:28} | {rps:>8.0f} | {p50:>7.1f} | {p99:>7.1f} | {share:>15} | {errors:>7} |")
    new = after - before
    print(
        f"Votes: {new} new vote rows in {vote_seconds} s ({new / vote_seconds:.0f} new votes/s); "
        f"solutions whose count disagrees with their rows: {wrong}"
    )
    print("Worker RSS after the run: " + ", ".join(f"{size:.0f} MB" for size in rss))


if __name__ == "__main__":
    main()
