"""Gunicorn settings for `make run` and the benchmarks: two worker processes per core, one thread each.

The forum's work is Python on the CPU plus SQLite in the same process. Threads in one process
share the GIL, so a thread holding SQLite's write lock waits for its siblings' CPU time; with
processes it does not. Measured here (2 cores, bench/run_bench.py): votes 195/s with 2 workers
x 4 threads, 305/s with 4 workers x 1 thread; pages the same or better.
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1))))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# The app logs one line per request itself; gunicorn's access log would double it.
accesslog = None
errorlog = "-"
timeout = 30
graceful_timeout = 10


def post_worker_init(worker):
    # Load jieba's dictionary before the first request, not during it: a worker's first search
    # would otherwise wait a few seconds for it.
    import jieba

    jieba.initialize()
