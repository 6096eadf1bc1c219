"""Export benchmark: a 100,000-row CSV and XLSX export through gunicorn, with seconds and memory.

    COCREATE_SQLALCHEMY_DATABASE_URI=sqlite:////path/export.db .venv/bin/python bench/export_bench.py

Seed first with one community holding all the solutions, e.g.
`flask --app app seed-bench --communities 1 --solutions 100000 --no-index`. The script serves the
app with gunicorn (gunicorn.conf.py, one worker so the memory is that worker's), fetches each
export with a product-team token, and reports the time to the last byte, the rows, and the
worker's resident memory before and at its peak (VmHWM from /proc).
"""

import argparse
import csv
import io
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def setup(database_uri):
    """The biggest community's slug, and a product-team token (created in the bench database)."""
    from forum import create_app
    from forum.accounts import tokens
    from forum.accounts.models import User
    from forum.accounts.services import register
    from forum.communities.models import Community
    from forum.extensions import db
    from forum.solutions.models import Solution

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_uri, "SECRET_KEY": "bench"})
    with app.app_context():
        slug, count = db.session.execute(
            db.select(Community.slug, db.func.count(Solution.id))
            .join(Solution, Solution.community_id == Community.id)
            .group_by(Community.slug)
            .order_by(db.func.count(Solution.id).desc())
        ).first()
        user = db.session.execute(db.select(User).filter_by(username_key="export_bench")).scalar_one_or_none()
        if user is None:
            user = register("export_bench", "export@bench.example.com", secrets.token_urlsafe(24))
            user.site_role = "product"
            db.session.commit()
        return slug, count, tokens.issue_token(user, "export bench")[1]


def memory(pid):
    """(VmRSS, VmHWM) of a process, in MB."""
    fields = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            fields[name] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def cpu_seconds(pid):
    """User and system CPU time a process has used, in seconds."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def worker_pid(master):
    children = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
    return int(children[0])


def fetch(url, token):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    started = time.perf_counter()
    size = 0
    body = io.BytesIO()
    with urllib.request.urlopen(request, timeout=600) as response:
        while chunk := response.read(1 << 16):
            size += len(chunk)
            body.write(chunk)
    return time.perf_counter() - started, size, body.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=5081)
    parser.add_argument("--formats", default="csv,xlsx", help="comma-separated: csv, xlsx")
    parser.add_argument("--rounds", type=int, default=3, help="each export runs this often; the median time is shown")
    args = parser.parse_args()
    database_uri = os.environ["COCREATE_SQLALCHEMY_DATABASE_URI"]
    slug, count, token = setup(database_uri)
    env = {**os.environ, "COCREATE_RATELIMIT_ENABLED": "false", "COCREATE_LOG_REQUESTS": "false"}
    env["WEB_CONCURRENCY"] = "1"
    env.setdefault("COCREATE_SECRET_KEY", "bench")
    # Exports of 100,000 rows take longer than a page: give the worker room.
    command = [os.path.join(ROOT, ".venv/bin/gunicorn"), "--config", "gunicorn.conf.py", "--timeout", "300"]
    server = subprocess.Popen([*command, "--bind", f"127.0.0.1:{args.port}", "app:app"], cwd=ROOT, env=env)
    try:
        base = f"http://127.0.0.1:{args.port}"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", args.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        urllib.request.urlopen(f"{base}/healthz").read()
        pid = worker_pid(server.pid)
        print(f"Community {slug}: {count} solutions. gunicorn: 1 worker, gunicorn.conf.py threads.")
        print(
            f"{'format':8} {'rows':>8} {'MB':>7} {'seconds':>8} {'worker CPU s':>12} {'RSS before':>11}"
            f" {'peak RSS':>9} {'growth':>7}"
        )
        for fmt in args.formats.split(","):
            before, _ = memory(pid)
            times, cpu = [], []
            for _round in range(args.rounds):
                started = cpu_seconds(pid)
                seconds, size, body = fetch(f"{base}/api/v1/export/solutions.{fmt}?community={slug}", token)
                times.append(seconds)
                cpu.append(cpu_seconds(pid) - started)
            _, peak = memory(pid)
            rows = count_rows(fmt, body)
            print(
                f"{fmt:8} {rows:>8} {size / 1e6:>7.1f} {statistics.median(times):>8.2f}"
                f" {statistics.median(cpu):>12.2f} {before:>9.0f}MB"
                f" {peak:>7.0f}MB {peak - before:>5.0f}MB"
            )
    finally:
        server.terminate()
        server.wait(timeout=20)


def count_rows(fmt, body):
    if fmt == "csv":
        return sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8-sig")))) - 1
    from openpyxl import load_workbook

    return sum(1 for _ in load_workbook(io.BytesIO(body), read_only=True).active.iter_rows()) - 1


if __name__ == "__main__":
    main()
