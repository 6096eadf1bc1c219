"""Admin pages: communities, roles, the audit log."""

import os
import re

import pytest

from forum.accounts.models import User
from forum.audit import AuditEntry
from forum.communities.models import Community
from forum.extensions import db
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
    assert "role.grant" in audit and "user.site_role" not in audit.split("<tbody>")[1]


def test_audit_actions_are_named_in_the_readers_language(app, users, login):
    admin = login(users["admin"])
    audit = admin.get("/admin/audit", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "授予角色" in audit and "<code>role.grant</code>" in audit  # the name, and the code beside it
    assert '<option value="role.grant" >授予角色</option>' in audit


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
    set_phase(users["staff"], challenge, "voting")
    admin = login(users["admin"])
    page = admin.get(f"/admin/audit?community={community.id}&actor=STAFF").get_data(as_text=True)
    rows = page.split("<tbody>")[1]
    assert "challenge.phase" in rows and "role.grant" not in rows
    assert "challenge.phase" not in admin.get("/admin/audit?actor=admin").get_data(as_text=True).split("<tbody>")[1]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/users?before=99999999999999999",
        "/admin/users?q=a%00b",
        "/admin/audit?before=99999999999999&community=88888888888888",
        "/admin/audit?action=x%00y&actor=%00",
    ],
)
def test_malformed_paging_and_filters_are_ignored_not_fatal(app, users, login, url):
    assert login(users["admin"]).get(url).status_code == 200
