"""Exports of the top ideas: CSV, XLSX and JSON from the API, the page and the command line."""

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from forum.accounts import tokens
from forum.exports.services import COLUMNS
from forum.extensions import db
from forum.moderation import services as moderation
from forum.review import scoring
from forum.solutions import votes
from tests import factories


@pytest.fixture
def ideas(users, community):
    """Three solutions: one Chinese with a formula-like title and reviews, one hidden, one plain."""
    challenge = factories.challenge(users["staff"], community, title="二次污染")
    chinese = factories.solution(factories.user("maker"), challenge, title='=HYPERLINK("http://x")', tags="自清洁")
    chinese.body = "滚筒**自清洁**\n\n-1 step\x07"
    from forum import text

    chinese.body_html = text.render(chinese.body)
    hidden = factories.solution(factories.user("spammer"), challenge, title="Buy now")
    plain = factories.solution(
        factories.user("writer"), challenge, title="@mention filter", body="=1+1 yuan per filter"
    )
    for voter in ("v1v", "v2v"):
        votes.cast_vote(factories.user(voter), chinese)
    moderation.hide(users["staff"], hidden)
    challenge.phase = "review"
    db.session.commit()
    scoring.score(users["staff"], chinese, {"feasibility": 4, "impact": 5, "novelty": 3, "cost": 2})
    return {"challenge": challenge, "chinese": chinese, "hidden": hidden, "plain": plain}


def _get(app, user, url):
    headers = {"Authorization": f"Bearer {tokens.issue_token(user, 't')[1]}"} if user else {}
    return app.test_client().get(url, headers=headers)


def test_csv_opens_with_the_csv_module(app, users, ideas):
    response = _get(app, users["product"], "/api/v1/export/solutions.csv?community=haier-washers")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(rows[0]) == COLUMNS
    records = [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]
    assert [r["id"] for r in records] == [str(ideas["chinese"].id), str(ideas["plain"].id)]  # most votes first
    chinese = records[0]
    assert chinese["title"] == '\'=HYPERLINK("http://x")'
    assert chinese["challenge"] == "二次污染" and chinese["tags"] == "自清洁"
    assert chinese["body"].startswith("滚筒自清洁") and "**" not in chinese["body"]
    assert chinese["feasibility"] == "4.0" and chinese["reviewers"] == "1" and chinese["votes"] == "2"
    assert chinese["url"] == f"http://localhost/solutions/{ideas['chinese'].id}"
    assert records[1]["title"] == "'@mention filter" and records[1]["body"] == "'=1+1 yuan per filter"


def test_xlsx_opens_with_openpyxl_and_holds_no_formula(app, users, ideas):
    response = _get(app, users["staff"], "/api/v1/export/solutions.xlsx?community=haier-washers&sort=score")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    first = dict(zip(COLUMNS, rows[1], strict=True))
    assert first["title"] == '=HYPERLINK("http://x")' and first["challenge"] == "二次污染"
    assert first["votes"] == 2 and first["feasibility"] == 4
    assert "\x07" not in first["body"]  # control characters stripped, not fatal
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f" and isinstance(cell.value, str | int | float | None), cell.coordinate
    assert sheet.column_dimensions["P"].width > 12


def test_json_export_and_filters(app, users, ideas):
    url = f"/api/v1/export/solutions.json?challenge={ideas['challenge'].id}&min_votes=1"
    rows = json.loads(_get(app, users["product"], url).get_data())
    assert [r["id"] for r in rows] == [ideas["chinese"].id]
    assert rows[0]["impact"] == 5.0 and rows[0]["tags"] == "自清洁"
    none = json.loads(
        _get(app, users["product"], "/api/v1/export/solutions.json?community=haier-washers&status=declined").get_data()
    )
    assert none == []
    limited = json.loads(
        _get(
            app, users["product"], "/api/v1/export/solutions.json?community=haier-washers&limit=1&sort=date"
        ).get_data()
    )
    assert [r["id"] for r in limited] == [ideas["plain"].id]


def test_hidden_content_only_for_admins(app, users, ideas):
    url = "/api/v1/export/solutions.json?community=haier-washers"
    product_ids = {r["id"] for r in json.loads(_get(app, users["product"], url).get_data())}
    admin_ids = {r["id"] for r in json.loads(_get(app, users["admin"], url).get_data())}
    assert ideas["hidden"].id not in product_ids and ideas["hidden"].id in admin_ids


def test_who_may_export(app, users, ideas):
    url = "/api/v1/export/solutions.csv?community=haier-washers"
    assert _get(app, None, url).status_code == 401
    assert _get(app, users["fan"], url).status_code == 403
    outsider = factories.user("outsider", community_roles={factories.community(slug="other", name="Other"): "staff"})
    assert _get(app, outsider, url).status_code == 403
    assert _get(app, users["product"], "/api/v1/export/solutions.csv").status_code == 422
    assert _get(app, users["product"], f"{url}&sort=random").status_code == 422
    far = _get(app, users["product"], "/api/v1/export/solutions.csv?challenge=47103159003681")
    assert far.get_json()["error"]["field"] == "challenge"
    huge = _get(app, users["product"], f"{url}&min_votes=100641708151545698366614743213517307904")
    assert huge.status_code == 422 and huge.get_json()["error"]["field"] == "min_votes"
    assert _get(app, users["product"], f"{url}&since=yesterday").get_json()["error"]["field"] == "since"
    assert (
        _get(app, users["product"], "/api/v1/export/solutions.csv?challenge=999").get_json()["error"]["field"]
        == "challenge"
    )


def test_export_page(app, users, ideas, login):
    page = login(users["product"])
    form = page.get("/c/haier-washers/export")
    assert form.status_code == 200 and "Download" in form.get_data(as_text=True)
    download = page.get("/c/haier-washers/export?format=csv&sort=votes&status=&min_votes=2")
    assert download.status_code == 200 and download.headers["Content-Type"].startswith("text/csv")
    assert len(list(csv.reader(io.StringIO(download.get_data(as_text=True))))) == 2
    kept = page.get("/c/haier-washers/export?format=csv&sort=votes&min_votes=-4").get_data(as_text=True)
    assert 'value="-4"' in kept and "field-error" in kept
    huge = page.get("/c/haier-washers/export?format=csv&sort=votes&min_votes=99999999999999999999999").get_data(
        as_text=True
    )
    assert "field-error" in huge
    assert login(users["fan"]).get("/c/haier-washers/export").status_code == 403


def test_export_command(app, users, ideas, runner, tmp_path):
    target = tmp_path / "ideas.xlsx"
    result = runner.invoke(
        args=["export", "solutions", "--format", "xlsx", "--community", "haier-washers", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert load_workbook(target).active.max_row == 3
    result = runner.invoke(args=["export", "solutions", "--community", "haier-washers", "--include-hidden"])
    assert result.output.count("\n") >= 4 and "Buy now" in result.output
    assert runner.invoke(args=["export", "solutions"]).exit_code != 0
