"""Every page is valid HTML: the Nu HTML Checker (vnu.jar, tests/tools/) reads every GET page.

The pages are those of tests/test_chinese_pages.py (the URL map walked over its sample forum, so a
new page is checked the day it is added), read as a visitor, a fan, staff and an admin, in
English and in Chinese. All of them are written to a folder and checked by one start of the
checker; any error fails the test, named with the pages it is on.
"""

import json
import os
import re
import shutil
import subprocess
from collections import defaultdict

import pytest

from forum.extensions import db
from tests import factories
from tests.test_chinese_pages import ROLES, _forum, _pages, walking_client

VNU = os.path.join(os.path.dirname(__file__), "tools", "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
LANGUAGES = ("en", "zh_Hans")
CHECK_SECONDS = 300


def vnu_errors(paths):
    """{(message, extract): [path]} for the errors the checker finds in these files."""
    if not os.path.exists(VNU) or not shutil.which("java"):
        pytest.fail("the HTML checker is missing: `make checkers` installs vnu.jar and a Java")
    run = subprocess.run(
        ["java", "-Xss4m", "-jar", VNU, "--errors-only", "--format", "json", *paths],
        capture_output=True,
        text=True,
        timeout=CHECK_SECONDS,
    )
    messages = json.loads(run.stderr or run.stdout)["messages"]
    found = defaultdict(list)
    for message in messages:
        where = message.get("url", "").removeprefix("file:")
        key = (message.get("message", ""), (message.get("extract") or "").strip())
        found[key].append(f"{os.path.basename(where)}:{message.get('lastLine', '?')}")
    return found


def test_the_checker_reports_errors_with_their_file(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text('<!doctype html><html lang="en"><title>x</title><p id="a"></p><p id="a"></p>', "utf-8")
    good = tmp_path / "good.html"
    good.write_text('<!doctype html><html lang="en"><title>x</title><p id="a"></p>', "utf-8")
    found = vnu_errors([str(page), str(good)])
    assert any("Duplicate ID" in message for message, _ in found), found
    assert all(path.startswith("bad.html") for paths in found.values() for path in paths)


def test_every_page_is_valid_html(app, login, tmp_path):
    users, ideas, samples = _forum()
    samples.setdefault("theme", "unknown")  # the theme switch only sets a cookie: its 404 is enough
    pages = list(_pages(app, samples))
    pages += [(f"solutions.detail ({name})", f"/solutions/{idea.id}") for name, idea in ideas.items()]
    pages += [("challenges.detail (problem)", f"/challenges/{samples['challenge_id'] + 1}")]
    pages += [("search.results (q)", "/search?q=洗衣机"), ("admin.audit (all)", "/admin/audit")]
    names = {}  # file name -> "role language url (endpoint)"
    for role in ROLES:
        client = walking_client(app, login, users, role)
        for language in LANGUAGES:
            client.set_cookie(app.config["LANGUAGE_COOKIE"], language)
            for endpoint, url in pages:
                response = client.get(url)
                if response.status_code in (301, 302, 303) or "text/html" not in response.content_type:
                    continue
                name = f"{len(names):04d}.html"
                (tmp_path / name).write_bytes(response.get_data())
                names[name] = f"{role} {language} {url} ({endpoint})"
    assert len(names) > 300
    found = vnu_errors([str(tmp_path / name) for name in names])
    report = []
    for (message, extract), where in sorted(found.items()):
        on = sorted({f"{names.get(w.split(':')[0], w)} line {w.split(':')[1]}" for w in where})
        report.append(f"{message}\n    {extract[:160]!r}\n    on {len(on)} pages: " + "; ".join(on[:4]))
    assert not found, f"{sum(map(len, found.values()))} HTML errors:\n" + "\n".join(report)


DESCRIPTION = re.compile(r'<meta name="description" content="([^"]*)">')
SEARCH = re.compile(r'<form\b[^>]*role="search"[^>]*>')


def test_each_page_has_one_description_its_own_text_where_it_has_one(app, client, community, users):
    community.description = "Washers that **clean** themselves."
    community.description_html = "<p>Washers that <strong>clean</strong> themselves.</p>"
    challenge = factories.challenge(users["staff"], community, title="Drum dirt", body="Dirt hides between drums.")
    solution = factories.solution(users["fan"], challenge, title="Steam", body="A steam nozzle after each wash.")
    db.session.commit()
    english = {"Accept-Language": "en"}
    described = {
        f"/c/{community.slug}": "Washers that clean themselves.",
        f"/challenges/{challenge.id}": "Dirt hides between drums.",
        f"/solutions/{solution.id}": "A steam nozzle after each wash.",
    }
    for url, description in described.items():
        assert DESCRIPTION.findall(client.get(url, headers=english).get_data(as_text=True)) == [description], url
    for url in ("/", "/search", "/login"):
        (site,) = DESCRIPTION.findall(client.get(url, headers=english).get_data(as_text=True))
        assert site.startswith("Brands’ product communities")
    (chinese,) = DESCRIPTION.findall(client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True))
    assert chinese.startswith("品牌的产品社区")


def test_the_search_landmarks_are_named_apart(app, client):
    html = client.get("/search", headers={"Accept-Language": "en"}).get_data(as_text=True)
    names = [re.search(r'aria-label="([^"]+)"', form).group(1) for form in SEARCH.findall(html)]
    assert names == ["Search the forum", "Search with filters"]
