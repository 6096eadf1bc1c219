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


def on_starting(server):
    # Load jieba's dictionary once, in the master, before the workers are forked: they inherit it
    # (and share its pages) instead of each loading it at boot. Four workers loading it at once
    # took about 10 s each on a busy 2-core machine, and the first request waited for them.
    import jieba

    jieba.initialize()
