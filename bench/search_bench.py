"""Search benchmark on a seeded forum: query latency (p50, p99) in Chinese and English, and recall.

    COCREATE_SQLALCHEMY_DATABASE_URI=... COCREATE_SEARCH_INDEX_DIR=... \\
        .venv/bin/python bench/search_bench.py [--rounds 5]

Run `flask --app app seed-bench` first. Latency is measured through the same service function
the search page calls, as a visitor, warm (the first round is discarded). Recall counts, for each
Chinese word, the solutions whose title or body contain it (SQL LIKE, the ground truth) that the
index finds, over all result pages.
"""

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from flask_login import AnonymousUserMixin
from whoosh.query import Term

from forum import create_app
from forum.extensions import db
from forum.search import index, query
from forum.solutions.models import Solution

CHINESE = [
    "洗衣机",
    "二次污染",
    "路由器",
    "缓存",
    "续航",
    "夜景",
    "自清洁",
    "传感器",
    "系统更新",
    "降噪",
    "保鲜",
    "售后",
]
ENGLISH = ["washing machine", "battery", "camera night mode", "router signal", "filter", "charging",
           "sleep tracking", "repair", "reminder", "noise", "drum", "update"]  # fmt: skip


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def latency(words, rounds):
    visitor = AnonymousUserMixin()
    times = []
    for round_number in range(rounds + 1):
        for word in words:
            started = time.perf_counter()
            query.search(visitor, word)
            if round_number:  # the first round warms caches
                times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), percentile(times, 0.99), len(times)


def recall(words):
    ix = index.open_index(create=False)
    found = expected = 0
    with ix.searcher() as searcher:
        for word in words:
            pattern = f"%{word}%"
            truth = set(
                db.session.execute(
                    db.select(Solution.id).where((Solution.title.like(pattern)) | (Solution.body.like(pattern)))
                ).scalars()
            )
            hits = searcher.search(query._build_query(ix, word), filter=Term("type", "solution"), limit=None)
            got = {hit["obj_id"] for hit in hits}
            found += len(truth & got)
            expected += len(truth)
            print(f"  {word}: {len(truth & got)}/{len(truth)} found, {len(got - truth)} extra")
    return found / expected if expected else 1.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--skip-recall", action="store_true")
    args = parser.parse_args()
    app = create_app({"LOG_REQUESTS": False})
    with app.app_context():
        solutions = db.session.execute(db.select(db.func.count()).select_from(Solution)).scalar()
        docs = index.open_index(create=False).doc_count()
        print(f"{solutions} solutions, {docs} documents in the index")
        for name, words in (("Chinese", CHINESE), ("English", ENGLISH)):
            p50, p99, n = latency(words, args.rounds)
            print(f"{name} queries: p50 {p50:.1f} ms, p99 {p99:.1f} ms ({n} queries)")
        if not args.skip_recall:
            print(f"Chinese recall: {recall(CHINESE):.4f}")


if __name__ == "__main__":
    main()
