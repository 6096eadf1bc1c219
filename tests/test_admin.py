"""Admin pages: communities, roles, the audit log."""

import html
import os
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event

from forum.accounts.models import User
from forum.audit import ACTION_LABELS, AuditEntry
from forum.communities.models import Community
from forum.extensions import db
from forum.transaction import unit_of_work
from tests import factories


def test_admin_creates_a_community_with_markdown_description(app, users, login):
    admin = login(users["admin"])
    response = admin.post(
        "/admin/communities/new",
        data={"slug": "mi-band", "name": "小米手环 · Mi Band", "description": "Bands **rock** <script>x</script>"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/c/mi-band"
    page = admin.get("/c/mi-band").get_data(as_text=True)
    assert "小米手环" in page and "<strong>rock</strong>" in page
    assert "<script>x" not in page
    entry = db.session.execute(
        db.select(AuditEntry).filter_by(action="community.create", actor_id=users["admin"].id)
    ).scalar_one()
    assert entry.after["slug"] == "mi-band"


def test_community_form_errors_keep_the_text(app, users, login, community):
    admin = login(users["admin"])
    long_text = "我们的洗衣机需要自清洁。" * 40
    response = admin.post(
        "/admin/communities/new", data={"slug": community.slug, "name": "Dup", "description": long_text}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "That address is taken by another community." in body
    assert long_text in body
    bad = admin.post("/admin/communities/new", data={"slug": "Bad Slug!", "name": "X", "description": ""})
    assert "lowercase letters" in bad.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count()).select_from(Community)).scalar() == 1


def test_admin_edits_a_community_and_the_edit_is_audited(app, users, login, community):
    admin = login(users["admin"])
    response = admin.post(
        f"/admin/communities/{community.slug}/edit", data={"name": "Haier Laundry", "description": "New text"}
    )
    assert response.status_code == 302
    entry = db.session.execute(db.select(AuditEntry).filter_by(action="community.update")).scalar_one()
    assert entry.before["name"] == "海尔洗衣机 · Haier Washers" and entry.after["name"] == "Haier Laundry"


def test_admin_assigns_and_revokes_roles(app, users, login, community):
    admin = login(users["admin"])
    fan_id = users["fan"].id
    assert (
        admin.post(
            f"/admin/users/{fan_id}/roles", data={"grant-community": community.id, "grant-role": "staff"}
        ).status_code
        == 302
    )
    assert db.session.get(User, fan_id).roles_in(community.id) == {"staff"}
    page = admin.get(f"/admin/users/{fan_id}").get_data(as_text=True)
    assert "海尔洗衣机 · Haier Washers: Staff" in page

    grant = db.session.get(User, fan_id).community_roles[0]
    assert admin.post(f"/admin/roles/{grant.id}/revoke", data={"confirmed": "1"}).status_code == 302
    assert db.session.get(User, fan_id).community_roles == []

    assert admin.post(f"/admin/users/{fan_id}/site-role", data={"role": "product"}).status_code == 302
    assert db.session.get(User, fan_id).site_role == "product"
    actions = db.session.execute(db.select(AuditEntry.action).order_by(AuditEntry.id)).scalars().all()
    assert actions[-3:] == ["role.grant", "role.revoke", "user.site_role"]


def test_the_last_admin_cannot_be_demoted(app, users, login):
    admin = login(users["admin"])
    response = admin.post(f"/admin/users/{users['admin'].id}/site-role", data={"role": "fan"})
    assert response.status_code == 200
    assert "The forum needs at least one admin." in response.get_data(as_text=True)
    assert db.session.get(User, users["admin"].id).site_role == "admin"


def test_unknown_roles_and_objects(app, users, login, community):
    admin = login(users["admin"])
    assert admin.post(f"/admin/users/{users['fan'].id}/site-role", data={"role": "emperor"}).status_code == 200
    assert db.session.get(User, users["fan"].id).site_role == "fan"
    assert admin.get("/admin/users/99999").status_code == 404
    assert admin.post("/admin/roles/99999/revoke").status_code == 404
    assert admin.get("/admin/communities/nope/edit").status_code == 404
    assert (
        admin.post(
            f"/admin/users/{users['fan'].id}/roles", data={"grant-community": "x", "grant-role": "staff"}
        ).status_code
        == 200
    )


def test_user_search_and_audit_filter(app, users, login):
    admin = login(users["admin"])
    found = admin.get("/admin/users?q=FA").get_data(as_text=True)
    assert ">Fan<" in found and ">staff<" not in found
    assert admin.get("/admin/users?q=%25_%5C").status_code == 200
    audit = admin.get("/admin/audit?action=role.grant").get_data(as_text=True)
    assert _actions(audit) == ["role.grant"]


def _log(page):
    """The entries part of the audit page (the filter form lists every action)."""
    return page.split('<ol class="audit-log">')[1].split("</ol>")[0] if '<ol class="audit-log">' in page else ""


def _actions(page):
    return re.findall(r'data-action="([a-z_.]+)"', _log(page))


def test_audit_actions_are_named_in_the_readers_language(app, users, login):
    admin = login(users["admin"])
    audit = admin.get("/admin/audit", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "授予角色" in _log(audit) and ">role.grant<" not in audit  # the name, not the code
    assert '<option value="role.grant" >授予角色</option>' in audit
    # Every action has a name in the list, and the names are Chinese.
    options = re.findall(r'<option value="([a-z_]+\.[a-z_]+)" >([^<]*)</option>', audit)
    assert len(options) == len(ACTION_LABELS) and all(not re.search("[a-z]", label) for _code, label in options)


def test_every_recorded_action_has_a_name():
    from forum.audit import ACTION_LABELS

    root = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "forum")
    recorded = set()
    for folder, _dirs, files in os.walk(root):
        for name in files:
            if name.endswith(".py"):
                with open(os.path.join(folder, name), encoding="utf-8") as f:
                    source = f.read()
                for call in re.findall(r"record_action\(\s*[^,]+,\s*(.+?),", source, re.S):
                    recorded.update(re.findall(r'"([a-z_]+\.[a-z_]+)"', call))
    recorded |= {f"{code}_everywhere" for code in ("user.suspend", "user.unsuspend")}  # built by suffix
    assert len(recorded) > 20 and recorded <= set(ACTION_LABELS), recorded - set(ACTION_LABELS)


def test_user_list_pages_by_id(app, users, login):
    from forum.admin.services import find_users

    everyone, _ = find_users(limit=100)
    first, next_before = find_users(limit=2)
    second, _ = find_users(before_id=next_before, limit=2)
    assert [u.id for u in first + second] == [u.id for u in everyone][:4]


def test_audit_log_filters_by_community_and_actor(app, users, login, community):
    from forum.challenges.services import set_phase

    challenge = factories.challenge(users["staff"], community)
    factories.door(set_phase, users["staff"], challenge, "voting")
    admin = login(users["admin"])
    page = admin.get(f"/admin/audit?community={community.id}&actor=STAFF").get_data(as_text=True)
    assert _actions(page) == ["challenge.phase"]
    assert "challenge.phase" not in _actions(admin.get("/admin/audit?actor=admin").get_data(as_text=True))
    assert _actions(admin.get("/admin/audit?actor=nobody-at-all").get_data(as_text=True)) == []


@pytest.mark.parametrize(
    "url",
    [
        "/admin/users?before=99999999999999999",
        "/admin/users?q=a%00b",
        "/admin/audit?cursor=99999999999999&community=88888888888888",
        "/admin/audit?action=x%00y&actor=%00&cause=%00",
        "/admin/audit?since=2026-13-45&until=9999-12-31",
        "/admin/audit?since=0001-01-01&until=0001-01-01",
        "/admin/audit?cursor=WzE4NDQ2NzQ0MDczNzA5NTUxNjE1XQ",
        "/admin/audit?since=" + "9" * 60,
    ],
)
def test_malformed_paging_and_filters_are_ignored_not_fatal(app, users, login, url):
    assert login(users["admin"]).get(url).status_code == 200


def test_a_change_reads_as_fields_before_and_after_in_the_readers_language(app, users, login, community):
    admin = login(users["admin"])
    admin.post(f"/admin/communities/{community.slug}/edit", data={"name": "空调 · Air", "description": "Cool"})
    english = _log(admin.get("/admin/audit?action=community.update").get_data(as_text=True))
    assert "\\u" not in english and "&#34;" not in english and "{" not in english  # no JSON, no escapes
    assert re.search(
        r"<th scope=\"row\">Name</th><td[^>]*>海尔洗衣机 · Haier Washers</td><td[^>]*>空调 · Air</td>", english
    )
    assert "Description" in english and "slug" not in english.lower().split("audit-changes")[1]  # unchanged: left out
    chinese = _log(
        admin.get("/admin/audit?action=community.update", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    )
    assert "编辑社区" in chinese and '<th scope="row">名称</th>' in chinese and "空调 · Air" in chinese


def test_values_are_named_not_coded(app, users, login, community):
    from forum.review.status import change_status

    challenge = factories.challenge(users["staff"], community, vote_budget=3)
    idea = factories.solution(factories.user("maker"), challenge)
    from forum.challenges.services import set_phase

    factories.door(set_phase, users["staff"], challenge, "review")
    factories.door(change_status, users["staff"], idea, "shortlisted", "入围了")
    admin = login(users["admin"])
    page = _log(admin.get("/admin/audit").get_data(as_text=True))
    assert "Staff review" in page and "Submissions open" in page and "Shortlisted" in page and "入围了" in page
    assert ">review<" not in page and ">shortlisted<" not in page
    chinese = _log(admin.get("/admin/audit", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True))
    assert "已入围" in chinese and "变更方案状态" in chinese


def test_an_auto_hide_is_credited_to_the_reports(app, users, login, community):
    from forum.moderation import services as moderation

    idea = factories.solution(factories.user("maker"), factories.challenge(users["staff"], community))
    for number in range(3):
        factories.door(moderation.raise_flag, factories.user(f"reporter{number}"), idea, "spam")
    entry = db.session.execute(db.select(AuditEntry).filter_by(action="content.auto_hide")).scalar_one()
    assert entry.actor_id is None and entry.cause == "reports" and entry.cause_count == 3
    admin = login(users["admin"])
    raw = admin.get("/admin/audit?cause=reports").get_data(as_text=True)
    page = _log(raw)
    assert _actions(raw) == ["content.auto_hide"]
    assert "3 reports" in page and "command line" not in page.lower() and "Hidden after fans" in page
    assert "Public" in page and "Hidden" in page
    chinese = _log(admin.get("/admin/audit?cause=reports", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True))
    assert "3 条举报" in chinese and "命令行" not in chinese


def test_a_deadline_moves_the_phase_and_is_credited_to_the_deadline(app, users, login, community):
    from forum.challenges.models import Challenge
    from forum.challenges.services import apply_deadlines
    from forum.clock import utcnow

    passed = factories.challenge(users["staff"], community, submission_ends=utcnow() + timedelta(hours=1))
    passed.submission_ends = utcnow() - timedelta(hours=1)  # as if two hours had gone by
    db.session.commit()
    later = factories.challenge(users["staff"], community, submission_ends=utcnow() + timedelta(days=1))
    apply_deadlines()
    apply_deadlines()  # nothing more to move: one entry
    assert db.session.get(Challenge, passed.id).phase == "voting"
    assert db.session.get(Challenge, later.id).phase == "submission"
    entry = db.session.execute(db.select(AuditEntry).filter_by(action="challenge.phase")).scalar_one()
    assert (entry.target_id, entry.actor_id, entry.cause) == (passed.id, None, "deadline")
    assert (entry.before, entry.after) == ({"phase": "submission"}, {"phase": "voting"})
    page = _log(login(users["admin"]).get("/admin/audit?cause=deadline").get_data(as_text=True))
    assert "Deadline" in page and "automatic" in page and "Voting" in page


def test_the_command_line_is_named_as_such(app, runner, users, login):
    result = runner.invoke(
        args=[
            "create-user",
            "cli-made",
            "--email",
            "c@example.com",
            "--password",
            factories.PASSWORD,
            "--role",
            "admin",
        ]
    )
    assert result.exit_code == 0, result.output
    entry = db.session.execute(db.select(AuditEntry).filter_by(action="user.site_role")).scalars().all()[-1]
    assert (entry.actor_id, entry.cause) == (None, "command_line")
    page = _log(login(users["admin"]).get("/admin/audit?cause=command_line").get_data(as_text=True))
    assert "Command line" in page and "Member #" in page and "cli-made" in page


def test_the_log_is_paged_and_narrowed_by_dates(app, users, login, community):
    from forum.audit import record_action

    def entries(count, day):
        with unit_of_work():
            for _ in range(count):
                record_action(users["admin"], "role.grant", users["fan"], community=community).created = day

    entries(60, datetime(2026, 11, 2, 12))
    entries(5, datetime(2026, 11, 20, 8))
    admin = login(users["admin"])
    first = admin.get("/admin/audit?action=role.grant").get_data(as_text=True)
    assert len(_actions(first)) == 50
    cursor = re.search(r'cursor=([\w-]+)"', first).group(1)
    second = admin.get(f"/admin/audit?action=role.grant&cursor={cursor}").get_data(as_text=True)
    assert len(_actions(second)) == 15 + 1 and 'rel="next"' not in second  # and the fixture's own grant
    november_2 = admin.get("/admin/audit?since=2026-11-02&until=2026-11-02").get_data(as_text=True)
    assert len(_actions(november_2)) == 50 and 'rel="next"' in november_2
    assert "since=2026-11-02" in re.search(r'href="([^"]*rel|[^"]*)" rel="next"', november_2).group(0)
    late = admin.get("/admin/audit?since=2026-11-03&until=2026-11-30").get_data(as_text=True)
    assert len(_actions(late)) == 5 and 'value="2026-11-03"' in late


def test_each_filter_reads_the_log_through_an_index(app, users):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the query plan is SQLite's")
    from forum.admin.services import AuditFilters, audit_entries

    plans = {}
    for name, filters in {
        "action": AuditFilters(action="role.grant"),
        "actor": AuditFilters(actor="admin"),
        "community": AuditFilters(community_id=1),
        "cause": AuditFilters(cause="reports"),
    }.items():
        statements = []

        def keep(conn, cursor, statement, parameters, context, executemany, statements=statements):
            if "FROM audit_entry" in statement:
                statements.append((statement, parameters))

        event.listen(db.engine, "before_cursor_execute", keep)
        try:
            audit_entries(filters, cursor="WzEwMDBd")  # a deep page: ids below 1000
        finally:
            event.remove(db.engine, "before_cursor_execute", keep)
        statement, parameters = statements[-1]
        with db.engine.connect() as conn:
            plans[name] = " ".join(
                str(row[-1]) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            )
    for name, plan in plans.items():
        assert "USING INDEX ix_audit_entry_" in plan or "USING COVERING INDEX ix_audit_entry_" in plan, (name, plan)
        assert "TEMP B-TREE" not in plan, (name, plan)  # read in order from the index, not sorted afterwards


def test_changes_name_the_fields_and_values(app):
    from forum.admin.changes import changes

    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        rows = changes(
            {"hold_first_posts": False, "flag_threshold": 3, "tags": ["蒸汽"], "same": 1},
            {"hold_first_posts": True, "flag_threshold": 5, "tags": ["蒸汽", "滚筒"], "same": 1, "body": "长" * 400},
        )
    read = {row.label: (row.before.text, row.after.text) for row in rows}
    assert read["新成员的首次发布需审核"] == ("否", "是")
    assert read["自动隐藏所需举报数"] == ("3", "5")
    assert read["tags"] == ('["蒸汽"]', '["蒸汽", "滚筒"]')  # a field without a name keeps its key, in real characters
    assert read["正文"][0] == "—" and len(read["正文"][1]) == 300 and read["正文"][1].endswith("…")
    assert "same" not in read  # unchanged: left out


@pytest.mark.skipif(bool(os.environ.get("COCREATE_TEST_DATABASE_URL")), reason="a scratch SQLite database")
def test_the_migration_credits_older_automatic_entries(make_app, tmp_path):
    import sqlite3

    from flask_migrate import downgrade as migrate_downgrade
    from flask_migrate import upgrade as migrate_upgrade

    scratch = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'audit.db'}")
    with scratch.app_context():
        migrate_upgrade(revision="0026")
        raw = sqlite3.connect(tmp_path / "audit.db")
        columns = raw.execute("PRAGMA table_info(user_account)").fetchall()
        needed = [(name, 1 if "INT" in kind or "BOOL" in kind else "x") for _, name, kind, notnull, _, _ in columns
                  if notnull and name != "id"]  # fmt: skip
        names, marks = ", ".join(n for n, _ in needed), ", ".join("?" for _ in needed)
        raw.execute(f"INSERT INTO user_account (id, {names}) VALUES (1, {marks})", [v for _, v in needed])  # noqa: S608
        raw.executemany(
            "INSERT INTO audit_entry (actor_id, action, target_type, target_id, after, created) "
            "VALUES (?, ?, 'solution', 1, ?, '2026-11-01')",
            [(None, "content.auto_hide", '{"flags": 3}'), (None, "role.grant", '{"role": "staff"}'),
             (1, "content.hide", None)],
        )  # fmt: skip
        raw.commit()
        raw.close()
        migrate_upgrade(revision="0027")
        with db.engine.connect() as conn:
            rows = conn.execute(db.text("SELECT actor_id, cause, cause_count FROM audit_entry ORDER BY id")).all()
        assert [tuple(row) for row in rows] == [(None, "reports", 3), (None, "command_line", None), (1, None, None)]
        migrate_downgrade(revision="0026")
        db.engine.dispose()


def test_a_community_saved_from_a_browser_audits_only_what_changed(app, users, login, community):
    from forum.communities import services as communities

    factories.door(communities.update_community, users["admin"], community, community.name, "Line one\nLine two")
    db.session.execute(db.delete(AuditEntry))
    db.session.commit()
    admin = login(users["admin"])
    form = {"name": community.name, "description": "Line one\r\nLine two", "time_zone": "Asia/Shanghai"}
    assert admin.post(f"/admin/communities/{community.slug}/edit", data=form).status_code == 302
    entry = db.session.execute(db.select(AuditEntry).filter_by(action="community.update")).scalar_one()
    assert entry.before["description"] == entry.after["description"] == "Line one\nLine two"
    assert entry.after["time_zone"] == "Asia/Shanghai"
    # Saved again as it is: nothing changed, nothing audited.
    assert admin.post(f"/admin/communities/{community.slug}/edit", data=form).status_code == 302
    assert db.session.execute(db.select(db.func.count(AuditEntry.id))).scalar_one() == 1


def test_user_search_matches_anywhere_and_the_list_shows_community_roles(app, users, login, community):
    factories.user("米粉小王", email="Wang.Fan@Example.com", community_roles={community: "staff"})
    factories.user("a_b_c", email="under@example.com")
    factories.user("axbxc", email="plain@example.com")
    admin = login(users["admin"])

    def found(query):
        page = admin.get("/admin/users", query_string={"q": query}).get_data(as_text=True)
        return set(re.findall(r'href="/admin/users/\d+">([^<]+)</a>', page))

    assert found("小王") == {"米粉小王"}
    assert found("G.FAN@EXAMPLE") == {"米粉小王"}  # inside the address, in any case
    assert found("_b_") == {"a_b_c"}  # a wildcard typed is matched as itself
    assert found("%") == set()
    assert found("x' OR '1'='1") == set()
    page = admin.get("/admin/users").get_data(as_text=True)
    row = page.split(">米粉小王</a>")[1].split("</tr>")[0]
    assert f"Staff · {html.escape(community.name)}" in row or f"Staff · {community.name}" in row


def test_a_merge_in_the_audit_log_names_the_solution_it_went_into(app, community, users, login):
    from forum.solutions import merges

    challenge = factories.challenge(users["staff"], community)
    source = factories.solution(factories.user("copycat"), challenge, title="Steam clean the gap")
    target = factories.solution(factories.user("original"), challenge, title="Drum gap steam")
    factories.door(merges.merge, users["staff"], source, target, "Same idea")
    page = login(users["admin"]).get("/admin/audit?action=solution.merge").get_data(as_text=True)
    assert "Merged a duplicate into another solution" in page
    assert "Merged into" in page and f"#{target.id}" in page


def test_swapped_audit_dates_say_so_on_the_form(app, users, login):
    admin = login(users["admin"])
    page = admin.get("/admin/audit?since=2026-12-05&until=2026-12-01").get_data(as_text=True)
    assert "From must be before To." in page and 'id="audit-until-error"' in page
    assert 'aria-invalid="true"' in page
    zh = admin.get("/admin/audit?since=2026-12-05&until=2026-12-01", headers={"Accept-Language": "zh-CN"})
    assert "开始日期必须早于结束日期。" in zh.get_data(as_text=True)
    assert "Use a date like" in admin.get("/admin/audit?since=2026-13-45").get_data(as_text=True)
