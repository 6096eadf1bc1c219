"""Schemathesis against the live API: a gunicorn server on a seeded database, every documented
operation fuzzed (valid and invalid input), checking for server errors and that every response
matches the OpenAPI document."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from forum.api.core import OPERATIONS
from tests.conftest import _test_database

BIN = os.path.dirname(sys.executable)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _flask(env, *args):
    result = subprocess.run(
        [os.path.join(BIN, "flask"), "--app", "app", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def live_api(tmp_path):
    """A seeded forum served by gunicorn, and an admin's token for it."""
    uri, drop = _test_database(str(tmp_path))
    env = {
        **os.environ,
        "COCREATE_SQLALCHEMY_DATABASE_URI": uri,
        "COCREATE_SECRET_KEY": "schemathesis-run",
        "COCREATE_SEARCH_INDEX_DIR": str(tmp_path / "index"),
        "COCREATE_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # The fuzzer sends thousands of writes; the limits have tests of their own.
        "COCREATE_RATELIMIT_ENABLED": "false",
        "COCREATE_LOG_REQUESTS": "false",
    }
    _flask(env, "db", "upgrade")
    _flask(env, "seed-demo")
    _flask(
        env,
        "create-user",
        "fuzzer",
        "--email",
        "fuzzer@example.com",
        "--password",
        "fuzzing-password",
        "--role",
        "admin",
    )
    token = _flask(env, "create-token", "fuzzer").strip()
    port = _free_port()
    server = subprocess.Popen(
        [os.path.join(BIN, "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4", "app:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except urllib.error.HTTPError:
                break  # it answers; a 503 names a check this test does not need (the search index)
            except OSError:
                time.sleep(0.1)
        yield base, token
    finally:
        server.terminate()
        log = server.communicate(timeout=10)[1]
        drop()
        assert "Traceback" not in log, log[-5000:]


def test_api_matches_its_openapi_document(live_api, tmp_path):
    base, token = live_api
    command = [
        os.path.join(BIN, "schemathesis"),
        "run",
        f"{base}/api/v1/openapi.json",
        "--checks",
        "not_a_server_error,response_schema_conformance",
        "--header",
        f"Authorization: Bearer {token}",
        "--max-examples",
        "25",
        "--seed",
        "20261123",
        "--no-color",
    ]
    assert shutil.which(command[0]), "schemathesis is installed by requirements-dev.txt"
    # Run from the temporary folder: schemathesis leaves its reports where it runs.
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
    tested = re.search(r"Tested: (\d+)", result.stdout)
    assert tested and int(tested.group(1)) >= len(OPERATIONS) - 1, result.stdout  # all but openapi.json itself
