"""Webhook benchmark: what three subscribed hooks add to a vote request (the issue allows 2 ms).

    .venv/bin/python bench/webhook_bench.py [--votes 600] [--hooks 3]

Through Flask's test client, in one process, on a fresh SQLite database of its own (this tree's
migrations), with the real job queue (Huey in a SQLite file, no consumer: jobs only pile up, as
they would wait for a busy consumer) and rate limits off. Two communities alike, each a challenge
with solutions by one author and the same fans with API tokens; community B has `--hooks` active
hooks that want `vote.created` (public addresses, never called: no consumer runs), community A none.
Each request is `PUT /api/v1/solutions/{id}/vote` adding a new vote; the requests alternate A, B,
A, B ..., so drift on the shared machine falls on both alike. The figures are each side's median
and 90th percentile, and the difference of the medians: the outbox row (one indexed query saying a
hook wants it, one INSERT) and the fan-out job's enqueue after the commit.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--votes", type=int, default=600, help="vote requests per side")
    parser.add_argument("--hooks", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=40)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from forum import create_app
    from forum.accounts import services as accounts
    from forum.accounts import tokens
    from forum.challenges.services import post_challenge
    from forum.communities.services import create_community
    from forum.extensions import db
    from forum.solutions.services import submit_solution
    from forum.transaction import unit_of_work
    from forum.webhooks import services as webhooks

    work = tempfile.mkdtemp(prefix="cocreate-webhook-bench-")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{work}/bench.db",
            "SECRET_KEY": "bench",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "RATELIMIT_ENABLED": False,
            "LOG_REQUESTS": False,
            "JOBS_DATABASE": f"{work}/jobs.sqlite",
            "SEARCH_INDEX_DIR": f"{work}/index",
            "PAGE_CACHE_SECONDS": 0,
        },
        instance_path=work,
    )
    per_side = args.votes + args.warmup
    solutions_each = 4
    fans_count = -(-per_side // solutions_each)
    with app.app_context():
        upgrade()
        with unit_of_work():
            admin = accounts.register("bench_admin", "admin@example.com", "bench password 1")
            accounts.set_site_role(None, admin, "admin")
            author = accounts.register("bench_author", "author@example.com", "bench password 1")
            sides = {}
            for slug in ("side-a", "side-b"):
                community = create_community(None, slug, slug)
                challenge = post_challenge(admin, community, "Bench", "Votes.")
                ideas = [submit_solution(author, challenge, f"Idea {n}", "Body.").id for n in range(solutions_each)]
                sides[slug] = (community, ideas)
        with unit_of_work():
            for number in range(args.hooks):
                webhooks.create_webhook(
                    admin, sides["side-b"][0], f"https://93.184.215.{number + 1}/hook", ["vote.created"]
                )
        fans = []
        with unit_of_work():
            for number in range(fans_count):
                fan = accounts.register(f"fan{number}", f"fan{number}@example.com", "bench password 1")
                fans.append(fan)
        with unit_of_work():
            headers = [{"Authorization": f"Bearer {tokens.issue_token(fan, 'bench')[1]}"} for fan in fans]
        db.session.remove()

    client = app.test_client()
    plan = [(headers[n // solutions_each], n % solutions_each) for n in range(per_side)]
    times = {"side-a": [], "side-b": []}
    for index, (header, which) in enumerate(plan):
        for slug in ("side-a", "side-b") if index % 2 == 0 else ("side-b", "side-a"):
            url = f"/api/v1/solutions/{sides[slug][1][which]}/vote"
            started = time.perf_counter()
            answer = client.put(url, headers=header)
            elapsed = time.perf_counter() - started
            assert answer.status_code == 200 and answer.get_json()["voted"], answer.get_data()
            if index >= args.warmup:
                times[slug].append(elapsed * 1000)

    with app.app_context():
        from forum.webhooks.models import WebhookEvent

        events = db.session.execute(db.select(db.func.count(WebhookEvent.id))).scalar()
    assert events == per_side, events  # every vote on side B, none on side A, was put in the outbox
    print(f"vote requests per side: {args.votes} (after {args.warmup} warm-up), test client, SQLite, one process")
    for slug, label in (("side-a", "no hooks"), ("side-b", f"{args.hooks} hooks")):
        values = sorted(times[slug])
        p90 = values[int(len(values) * 0.9)]
        print(f"  {label:10s} median {statistics.median(values):6.2f} ms   p90 {p90:6.2f} ms")
    difference = statistics.median(times["side-b"]) - statistics.median(times["side-a"])
    print(f"  difference of the medians: {difference:+.2f} ms")


if __name__ == "__main__":
    main()
