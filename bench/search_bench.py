"""Search benchmark on a seeded forum: query latency (p50, p99) in Chinese and English, and recall.

    COCREATE_SQLALCHEMY_DATABASE_URI=... COCREATE_SEARCH_INDEX_DIR=... \\
        .venv/bin/python bench/search_bench.py [--rounds 5]
        .venv/bin/python bench/search_bench.py --tree old=/tmp/cocreate-old --tree new=. [--rounds 9]
        .venv/bin/python bench/search_bench.py --tree pg=.@postgres --tree whoosh=.@whoosh   # two backends

Run `flask --app app seed-bench` first. Latency is measured through the same service function
the search page calls, as a visitor, warm (the first round is discarded). Recall counts, for each
Chinese word, the solutions whose title or body contain it (SQL LIKE, the ground truth) that the
index finds, over all result pages. The backend is the app's SEARCH_BACKEND (Whoosh's index, or
PostgreSQL's search_document rows).

With `--tree`, each tree's code runs in a process of its own (PYTHONPATH and the working folder
set to the tree, an instance folder of its own; `NAME=PATH@BACKEND` sets its SEARCH_BACKEND) and
the trees take turns round by round, their
order alternating, so that the figures of one run can be compared: p50 and p99 over all of a
tree's rounds, and each tree's ratio to the first. Each round waits until other people's processes
leave the machine quiet, and is measured again when they used more than `--quiet-below` of the
cores during it (bench/machine.py).
"""

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

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
LANGUAGES = {"Chinese": CHINESE, "English": ENGLISH}


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def one_round(words):
    """Milliseconds of each query, as a visitor."""
    from flask_login import AnonymousUserMixin

    from forum.search import query

    visitor = AnonymousUserMixin()
    times = []
    for word in words:
        started = time.perf_counter()
        query.search(visitor, word)
        times.append((time.perf_counter() - started) * 1000)
    return times


def latency(words, rounds):
    one_round(words)  # the first round warms caches
    times = [ms for _ in range(rounds) for ms in one_round(words)]
    return statistics.median(times), percentile(times, 0.99), len(times)


def recall(words):
    from flask import current_app
    from whoosh.query import Term

    from forum.extensions import db
    from forum.search import index, pg, query
    from forum.solutions.models import Solution

    found = expected = 0
    with contextlib.ExitStack() as stack:
        if current_app.config["SEARCH_BACKEND"] == "postgres":

            def matched(word):
                # Every page of the solutions matching, seen by an admin (no visibility filter, as below).
                got, page = set(), 1
                while True:
                    hits, _total = pg.matches(None, set(), True, word, kind="solution", page=page, page_size=5000)
                    got.update(hit["obj_id"] for hit in hits)
                    if len(hits) < 5000:
                        return got
                    page += 1

        else:
            ix = index.open_index(create=False)
            searcher = stack.enter_context(ix.searcher())

            def matched(word):
                hits = searcher.search(query._build_query(ix, word), filter=Term("type", "solution"), limit=None)
                return {hit["obj_id"] for hit in hits}

        for word in words:
            pattern = f"%{word}%"
            truth = set(
                db.session.execute(
                    db.select(Solution.id).where((Solution.title.like(pattern)) | (Solution.body.like(pattern)))
                ).scalars()
            )
            got = matched(word)
            found += len(truth & got)
            expected += len(truth)
            print(f"  {word}: {len(truth & got)}/{len(truth)} found, {len(got - truth)} extra")
    return found / expected if expected else 1.0


def make_app():
    from forum import create_app

    return create_app({"LOG_REQUESTS": False})


def sizes():
    from flask import current_app

    from forum.extensions import db
    from forum.search import index
    from forum.search.models import SearchDocument
    from forum.solutions.models import Solution

    solutions = db.session.execute(db.select(db.func.count()).select_from(Solution)).scalar()
    if current_app.config["SEARCH_BACKEND"] == "postgres":
        return solutions, db.session.execute(db.select(db.func.count()).select_from(SearchDocument)).scalar()
    return solutions, index.open_index(create=False).doc_count()


def child():
    """Serve rounds to the parent: a language name on stdin, the round's times (JSON) on stdout."""
    with make_app().app_context():
        print(json.dumps(sizes()), flush=True)
        for line in sys.stdin:
            print(json.dumps(one_round(LANGUAGES[line.strip()])), flush=True)


class Child:
    def __init__(self, name, path, instance, backend=None):
        self.name, self.path = name, os.path.abspath(path)
        os.makedirs(instance, exist_ok=True)
        env = {
            **os.environ,
            "PYTHONPATH": self.path,
            "COCREATE_INSTANCE_PATH": instance,
            "COCREATE_LOG_REQUESTS": "false",
        }
        if backend:
            env["COCREATE_SEARCH_BACKEND"] = backend
        env.setdefault("COCREATE_SECRET_KEY", "bench")
        self.process = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--child"],
            cwd=self.path,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.sizes = json.loads(self.process.stdout.readline())

    def round(self, language):
        self.process.stdin.write(language + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


def compare(trees, rounds, json_path, quiet_below=0.10, tries=3):
    sys.path.insert(0, HERE)
    from machine import Watch

    watch = Watch()
    disturbance = []
    instance_root = tempfile.mkdtemp(prefix="cocreate-search-bench-")
    children = []
    try:
        for name, path, backend in trees:
            children.append(Child(name, path, os.path.join(instance_root, name), backend))
        for kid in children:
            print(f"{kid.name}: {kid.path}: {kid.sizes[0]} solutions, {kid.sizes[1]} documents in the index")
        times = {kid.name: {language: [] for language in LANGUAGES} for kid in children}
        for kid in children:
            for language in LANGUAGES:
                kid.round(language)  # warms caches
        for round_number in range(rounds):
            order = children if round_number % 2 == 0 else children[::-1]
            for language in LANGUAGES:
                for kid in order:
                    # A round disturbed by others' work (more than `quiet_below` of the cores) is
                    # measured again, at most `tries` times in all.
                    attempt = 0
                    while attempt < tries:
                        attempt += 1
                        watch.wait_until_quiet(quiet_below)
                        with watch.measure() as seen:
                            found = kid.round(language)
                        if seen.foreign < quiet_below:
                            break
                    times[kid.name][language] += found
                    disturbance.append((kid.name, language, round(seen.foreign, 3), attempt))
    finally:
        for kid in children:
            kid.close()
        shutil.rmtree(instance_root, ignore_errors=True)
    report = {
        name: {
            language: {"p50": statistics.median(found), "p99": percentile(found, 0.99), "queries": len(found)}
            for language, found in by_language.items()
        }
        for name, by_language in times.items()
    }
    first = children[0].name
    print(f"\n{rounds} rounds of 12 queries per language and tree, trees alternating; ratio to {first}")
    print(f"| {'language':8} | {'tree':6} | {'p50 ms':>7} | {'ratio':>5} | {'p99 ms':>7} | {'ratio':>5} |")
    print(f"|{'-' * 10}|{'-' * 8}|{'-' * 9}|{'-' * 7}|{'-' * 9}|{'-' * 7}|")
    for language in LANGUAGES:
        base = report[first][language]
        for kid in children:
            row = report[kid.name][language]
            print(
                f"| {language:8} | {kid.name:6} | {row['p50']:>7.1f} | {row['p50'] / base['p50']:>5.2f} | "
                f"{row['p99']:>7.1f} | {row['p99'] / base['p99']:>5.2f} |"
            )
    shares = sorted(share for _name, _language, share, _tries in disturbance)
    again = sum(tries > 1 for *_rest, tries in disturbance)
    print(
        f"Others' share of the cores during the kept rounds: median {shares[len(shares) // 2]:.1%}, "
        f"max {shares[-1]:.1%}; {again} of {len(disturbance)} rounds measured again"
    )
    if json_path:
        with open(json_path, "w") as out:
            json.dump({"summary": report, "times": times, "others_share_and_tries": disturbance}, out, indent=1)


def parse_tree(value):
    name, sep, path = value.partition("=")
    path, _, backend = path.partition("@")
    if not sep or not name or not path:
        raise argparse.ArgumentTypeError("give a tree as NAME=PATH[@BACKEND], e.g. old=/tmp/cocreate-old")
    return name, path, backend or None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--skip-recall", action="store_true")
    parser.add_argument("--tree", action="append", type=parse_tree, help="NAME=PATH[@BACKEND]; repeat to compare")
    parser.add_argument("--json", help="with --tree: write the times to this file")
    parser.add_argument("--quiet-below", type=float, default=0.10, help="with --tree: see bench/machine.py")
    parser.add_argument("--tries", type=int, default=3, help="with --tree: measurements of a round at most")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        # PYTHONPATH names the tree to measure; this file's own tree must not shadow it.
        sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") not in (HERE, ROOT)]
        sys.path.insert(0, os.environ["PYTHONPATH"])
        return child()
    if args.tree:
        return compare(args.tree, args.rounds, args.json, args.quiet_below, args.tries)
    sys.path.insert(0, ROOT)
    app = make_app()
    with app.app_context():
        solutions, docs = sizes()
        print(f"{solutions} solutions, {docs} documents in the index ({app.config['SEARCH_BACKEND']})")
        for name, words in LANGUAGES.items():
            p50, p99, n = latency(words, args.rounds)
            print(f"{name} queries: p50 {p50:.1f} ms, p99 {p99:.1f} ms ({n} queries)")
        if not args.skip_recall:
            print(f"Chinese recall: {recall(CHINESE):.4f}")


if __name__ == "__main__":
    main()
