"""Demo data for `make run`: the Haier and Xiaomi communities and a user of every role.

Passwords are random per installation and kept in instance/demo_logins.json, so a demo
that ends up on a public address does not come with published admin credentials.
"""

import json
import os
import secrets

from forum.accounts import services as accounts
from forum.communities import services as communities
from forum.communities.models import Community
from forum.extensions import db

LOGINS_FILE = "demo_logins.json"

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
]


def load(instance_path):
    """Create the demo data unless it exists; return the logins, or None if already loaded."""
    if db.session.execute(db.select(Community.id).filter_by(slug=COMMUNITIES[0]["slug"])).first():
        return None
    by_slug = {
        c["slug"]: communities.create_community(None, c["slug"], c["name"], c["description"]) for c in COMMUNITIES
    }
    logins = []
    for username, email, site_role, community_roles in USERS:
        password = secrets.token_urlsafe(9)
        user = accounts.register(username, email, password, locale=None)
        if site_role != "fan":
            accounts.set_site_role(None, user, site_role)
        for slug, role in community_roles.items():
            communities.grant_role(None, user, by_slug[slug], role)
        described = ", ".join([f"{role} of {slug}" for slug, role in community_roles.items()] or [site_role])
        logins.append({"username": username, "password": password, "role": described})
    _save_logins(instance_path, logins)
    return logins


def saved_logins(instance_path):
    try:
        with open(os.path.join(instance_path, LOGINS_FILE), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return []


def format_logins(logins):
    if not logins:
        return "No demo logins are saved in the instance folder."
    width = max(len(login["username"]) for login in logins)
    lines = ["Demo logins (username  password  role):"]
    lines += [f"  {login['username']:<{width}}  {login['password']}  {login['role']}" for login in logins]
    return "\n".join(lines)


def _save_logins(instance_path, logins):
    path = os.path.join(instance_path, LOGINS_FILE)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(logins, f, ensure_ascii=False, indent=2)
