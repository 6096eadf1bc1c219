"""Flask commands: create-user and seed-demo."""

import json
import os

from forum import demo
from forum.accounts.models import User
from forum.communities.models import Community
from forum.extensions import db


def test_create_user_with_each_role(runner, community):
    commands = [
        ["lee", "--email", "lee@example.com"],
        ["boss", "--email", "b@example.com", "--role", "admin"],
        ["mod", "--email", "m@example.com", "--role", "staff", "--community", community.slug],
        ["pm_li", "--email", "p@example.com", "--role", "product"],
    ]
    for command in commands:
        result = runner.invoke(args=["create-user", *command, "--password", "long enough!"])
        assert result.exit_code == 0, result.output
    by_name = {u.username: u for u in db.session.execute(db.select(User)).scalars()}
    assert by_name["lee"].site_role == "fan"
    assert by_name["boss"].site_role == "admin"
    assert by_name["mod"].roles_in(community.id) == {"staff"}
    assert by_name["pm_li"].site_role == "product"


def test_create_user_reports_bad_input_without_a_traceback(runner, community):
    taken = runner.invoke(args=["create-user", "lee", "--email", "lee@example.com", "--password", "long enough!"])
    again = runner.invoke(args=["create-user", "LEE", "--email", "other@example.com", "--password", "long enough!"])
    assert taken.exit_code == 0
    assert again.exit_code == 1 and "username: That username is taken." in again.output
    short = runner.invoke(args=["create-user", "x_y_z", "--email", "x@example.com", "--password", "short"])
    assert short.exit_code == 1 and "password" in short.output
    staff = runner.invoke(
        args=["create-user", "abc", "--email", "a@example.com", "--password", "long enough!", "--role", "staff"]
    )
    assert staff.exit_code == 2 and "--community" in staff.output
    nowhere = runner.invoke(
        args=["create-user", "abc", "--email", "a@example.com", "--password", "long enough!", "--role", "staff",
              "--community", "nope"]
    )  # fmt: skip
    assert nowhere.exit_code == 1 and "No such community." in nowhere.output
    assert db.session.execute(db.select(User).filter_by(username="abc")).first() is None


def test_seed_demo_loads_once_and_prints_the_logins(app, runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "admin" in first.output and "haier_staff" in first.output
    slugs = set(db.session.execute(db.select(Community.slug)).scalars())
    assert slugs == {"haier-washers", "xiaomi-phones"}
    roles = {u.username: u.site_role for u in db.session.execute(db.select(User)).scalars()}
    assert roles["admin"] == "admin" and roles["product_lead"] == "product"

    kept = demo.logins_file(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path)
    assert f"(kept in {kept})" in first.output
    with open(kept, encoding="utf-8") as f:
        saved = json.load(f)
    assert oct(os.stat(kept).st_mode & 0o777) == "0o600"
    admin_password = next(login["password"] for login in saved if login["username"] == "admin")
    second = runner.invoke(args=["seed-demo"])
    assert "already loaded" in second.output and admin_password in second.output
    assert db.session.execute(db.select(db.func.count()).select_from(Community)).scalar() == 2


def test_demo_logins_are_kept_beside_the_database_they_belong_to(tmp_path):
    # Seeding another database used to overwrite instance/demo_logins.json, the default demo's.
    instance = str(tmp_path / "instance")
    default = demo.logins_file(f"sqlite:///{instance}/cocreate.db", instance)
    assert default == f"{instance}/cocreate.demo_logins.json"
    assert demo.logins_file("sqlite:////srv/forum/forum.db", instance) == "/srv/forum/forum.demo_logins.json"
    server = demo.logins_file("postgresql+psycopg://postgres@127.0.0.1:5432/test?options=x", instance)
    assert server == f"{instance}/127.0.0.1_5432_test.demo_logins.json"
    other = demo.logins_file("postgresql+psycopg://u@db.example.com/forum", instance)
    assert other == f"{instance}/db.example.com_forum.demo_logins.json"
    assert demo.logins_file("sqlite://", instance) is None and demo.saved_logins(None) == []


def test_seed_demo_runs_the_haier_campaign_in_its_voting_phase(app, runner):
    from forum.challenges.models import Challenge
    from forum.solutions.models import Comment, Solution

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    campaign = db.session.execute(db.select(Challenge).filter_by(is_campaign=True)).scalar_one()
    assert campaign.current_phase() == "voting" and campaign.vote_budget == 3
    assert campaign.solution_count == 12 and campaign.vote_count > 12
    assert db.session.execute(db.select(db.func.count()).select_from(Comment)).scalar() >= 5
    titles = db.session.execute(db.select(Solution.title).filter_by(challenge_id=campaign.id)).scalars().all()
    assert any("蒸汽" in t for t in titles) and any("drum" in t for t in titles)
    problems = db.session.execute(db.select(Challenge).filter_by(is_campaign=False)).scalars().all()
    assert {p.community.slug for p in problems} == {"xiaomi-phones"}
