"""Demo data for `make run`: the Haier and Xiaomi communities, a user of every role, Haier's
secondary-pollution campaign in its voting phase, and Xiaomi fans' feature requests.

Everything goes through the same services as the pages, so the demo obeys the forum's rules.

Passwords are random per installation, so a demo that ends up on a public address does not
come with published admin credentials. They are kept next to the database they belong to
(`instance/cocreate.demo_logins.json` for the default one; the instance folder, by server and
database name, for PostgreSQL), so seeding another database never overwrites another's logins.
"""

import json
import os
import re
import secrets
from datetime import date, timedelta

from sqlalchemy.engine import make_url

from forum import demo_content as content
from forum.accounts import services as accounts
from forum.challenges import services as challenges
from forum.communities import services as communities
from forum.communities.models import Community
from forum.extensions import db
from forum.review import releases
from forum.solutions import comments, votes
from forum.solutions import services as solutions

LOGINS_SUFFIX = ".demo_logins.json"

COMMUNITIES = [
    {
        "slug": "haier-washers",
        "name": "海尔洗衣机 · Haier Washers",
        "description": (
            "洗衣机用了三十年的老问题——**二次污染**：内桶夹层藏污纳垢，洗干净的衣服又被弄脏。"
            "在这里提出你的解决方案，投票选出最好的创意，入选方案将由海尔专家与创客一起做成样机。\n\n"
            "For thirty years washing machines have re-soiled clean laundry: dirt hides between the inner "
            "and outer drum. Post your fix, vote for the best ones, and the winners go offline to be built "
            "into sample machines with Haier's engineers."
        ),
    },
    {
        "slug": "xiaomi-phones",
        "name": "小米手机 · Xiaomi Phones",
        "description": (
            "小米手机用户的社区：反馈问题、提出功能需求、为你想要的改进投票。每周更新都来自这里的声音。\n\n"
            "The community for Xiaomi phone owners: report problems, request features and vote for the "
            "improvements you want. Weekly updates start here."
        ),
    },
]

# (username, email, site role, {community slug: community role})
USERS = [
    ("admin", "admin@example.com", "admin", {}),
    ("haier_staff", "staff@haier.example.com", "fan", {"haier-washers": "staff"}),
    ("mi_staff", "staff@xiaomi.example.com", "fan", {"xiaomi-phones": "staff"}),
    ("product_lead", "product@example.com", "product", {}),
    ("lin_wei", "lin.wei@example.com", "fan", {}),
    ("maker_anna", "anna@example.com", "fan", {}),
    ("米粉小王", "xiaowang@example.com", "fan", {}),
    ("paul_k", "paul@example.com", "fan", {}),
    ("zhang_min", "zhang.min@example.com", "fan", {}),
    ("wash_maker", "maker@example.com", "fan", {}),
    ("eco_li", "eco.li@example.com", "fan", {}),
]


def load():
    """Create the demo data unless it exists, in the current unit of work; return the logins (to
    save once it commits), or None if already loaded."""
    if db.session.execute(db.select(Community.id).filter_by(slug=COMMUNITIES[0]["slug"])).first():
        return None
    by_slug = {
        c["slug"]: communities.create_community(None, c["slug"], c["name"], c["description"]) for c in COMMUNITIES
    }
    logins, users = [], {}
    for username, email, site_role, community_roles in USERS:
        password = secrets.token_urlsafe(9)
        user = users[username] = accounts.register(username, email, password, locale=None)
        if site_role != "fan":
            accounts.set_site_role(None, user, site_role)
        for slug, role in community_roles.items():
            communities.grant_role(None, user, by_slug[slug], role)
        described = ", ".join([f"{role} of {slug}" for slug, role in community_roles.items()] or [site_role])
        logins.append({"username": username, "password": password, "role": described})
    _haier_campaign(users, by_slug["haier-washers"])
    _xiaomi_requests(users, by_slug["xiaomi-phones"])
    return logins


def _haier_campaign(users, community):
    campaign = content.HAIER_CAMPAIGN
    challenge = challenges.post_challenge(
        users["haier_staff"],
        community,
        campaign["title"],
        campaign["body"],
        challenges.Campaign(
            vote_budget=campaign["vote_budget"],
            review_threshold=campaign["review_threshold"],
            reward=campaign["reward"],
        ),
    )
    posted = [
        solutions.submit_solution(users[author], challenge, title, body, tags)
        for author, title, body, tags in content.HAIER_SOLUTIONS
    ]
    for voter, index in content.HAIER_VOTES:
        votes.cast_vote(users[voter], posted[index])
    written = []
    for author, index, body, reply_to in content.HAIER_COMMENTS:
        parent = written[reply_to] if reply_to is not None else None
        written.append(comments.add_comment(users[author], challenge, body, solution=posted[index], parent=parent))
    challenges.set_phase(users["haier_staff"], challenge, "voting")


def _xiaomi_requests(users, community):
    ideas = []
    for author, title, body, proposals in content.XIAOMI_PROBLEMS:
        problem = challenges.post_challenge(users[author], community, title, body)
        for proposer, solution_title, solution_body, tags in proposals:
            ideas.append(solutions.submit_solution(users[proposer], problem, solution_title, solution_body, tags))
    # Last week's release shipped the first request: the loop fans come back for.
    releases.publish(
        users["mi_staff"],
        community,
        "HyperOS 2.1.5",
        date.today() - timedelta(days=3),
        "本周更新来自米粉的建议。This week's update comes from your requests.",
        [ideas[0].id],
    )


def logins_file(database_uri, instance_path):
    """Where the logins of the demo in `database_uri` are kept: beside a SQLite file, in the
    instance folder for a database server; None for a database in memory."""
    url = make_url(database_uri)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            return None
        stem = os.path.splitext(os.path.abspath(url.database))[0]
        return stem + LOGINS_SUFFIX
    name = "_".join(str(part) for part in (url.host, url.port, url.database) if part)
    return os.path.join(instance_path, re.sub(r"[^A-Za-z0-9.-]+", "_", name) + LOGINS_SUFFIX)


def saved_logins(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, TypeError, ValueError):  # TypeError: no file for a database in memory
        return []


def save_logins(path, logins):
    if path is None:
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(logins, f, ensure_ascii=False, indent=2)


def format_logins(logins):
    if not logins:
        return "No demo logins are saved in the instance folder."
    width = max(len(login["username"]) for login in logins)
    lines = ["Demo logins (username  password  role):"]
    lines += [f"  {login['username']:<{width}}  {login['password']}  {login['role']}" for login in logins]
    return "\n".join(lines)
